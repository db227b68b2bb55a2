package eventq

import (
	"log/slog"
	"testing"
	"time"
)

func TestQueueNeverDrops(t *testing.T) {
	q := New[int](1, slog.New(slog.DiscardHandler))
	go q.Pump(time.Second)
	for i := range 50000 { // far more than the channel holds; Push must not block
		q.Push(i)
	}
	q.Close()
	n := 0
	for ev := range q.Out() {
		if ev != n {
			t.Fatalf("event %d out of order: %d", n, ev)
		}
		n++
	}
	if n != 50000 {
		t.Fatalf("got %d events, want 50000", n)
	}
}

func TestQueueEndsWhenNobodyReads(t *testing.T) {
	q := New[int](1, slog.New(slog.DiscardHandler))
	done := make(chan struct{})
	go func() { q.Pump(10 * time.Millisecond); close(done) }()
	for i := range 10 {
		q.Push(i)
	}
	q.Close()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Pump still runs after Close with nobody reading")
	}
	n := 0
	for range q.Out() {
		n++
	}
	if n == 0 || n >= 10 {
		t.Errorf("%d events delivered, want those the channel held (at least one, fewer than ten)", n)
	}
}

func TestQueuedAndTakeWithoutPump(t *testing.T) {
	q := New[string](1, slog.New(slog.DiscardHandler))
	q.Push("a")
	q.Push("b")
	if got := q.Queued(); len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Fatalf("Queued = %q, want [a b]", got)
	}
	if got := q.Take(); len(got) != 2 || got[1] != "b" {
		t.Fatalf("Take = %q, want [a b]", got)
	}
	q.Push("c")
	if got := q.Queued(); len(got) != 1 || got[0] != "c" {
		t.Fatalf("after Take, Queued = %q, want [c]", got)
	}
}
