package matrixclient

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestChairLaneBeforeAnswerLane(t *testing.T) {
	q := newSendQueue()
	push := func(o outgoing, low bool) {
		t.Helper()
		if err := q.push(o, low); err != nil {
			t.Fatal(err)
		}
	}
	push(outgoing{txnID: "answer1", asker: "@a:x"}, true)
	push(outgoing{txnID: "answer2", asker: "@a:x"}, true)
	if err := q.push(outgoing{txnID: "answer3", asker: "@a:x"}, true); !errors.Is(err, ErrAskerBusy) {
		t.Errorf("third answer for one asker: %v", err)
	}
	push(outgoing{txnID: "answer4", asker: "@b:x"}, true)
	push(outgoing{txnID: "chair1"}, false)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	var order []string
	for i := range 4 {
		o, ok := q.pop(ctx)
		if !ok {
			t.Fatal("queue closed")
		}
		order = append(order, o.txnID)
		if i == 0 {
			push(outgoing{txnID: "chair2"}, false) // said while answers wait
		}
	}
	want := []string{"chair1", "chair2", "answer1", "answer2"}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("send order %q, want %q", order, want)
		}
	}
	q.close()
	if _, ok := q.pop(ctx); ok {
		t.Error("pop after close")
	}
	if err := q.push(outgoing{}, false); !errors.Is(err, ErrNotRunning) {
		t.Errorf("push after close: %v", err)
	}
}
