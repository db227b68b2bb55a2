package chanlog

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"gavel/themes"
	"gavel/tui/common"
)

func chatter(i int) Line {
	return Line{Time: int64(i), Nick: "pingou", Text: fmt.Sprintf("line %d: a typical sixty-byte line of meeting chatter here", i)}
}

// TestPoolStaysWithinItsBudget: 150 windows pushing lines in turn never
// hold more than the budget, end with equal shares, and each keeps its
// newest lines in order.
func TestPoolStaysWithinItsBudget(t *testing.T) {
	const limit = 1 << 20
	p := NewPool(limit)
	bufs := make([]*Buffer, 150)
	for i := range bufs {
		bufs[i] = p.Buffer()
	}
	for i := range 100_000 {
		bufs[i%len(bufs)].Push(chatter(i))
		if p.Used() > limit {
			t.Fatalf("after %d lines the pool holds %d bytes, budget %d", i+1, p.Used(), limit)
		}
	}
	var sum int64
	lo, hi := int64(limit), int64(0)
	for i, b := range bufs {
		sum += b.Bytes()
		lo, hi = min(lo, b.Bytes()), max(hi, b.Bytes())
		if b.Len() == 0 {
			t.Fatalf("window %d kept nothing", i)
		}
		for j := 1; j < b.Len(); j++ {
			if b.At(j).Time != b.At(j-1).Time+int64(len(bufs)) {
				t.Fatalf("window %d: line %d is %d after %d", i, j, b.At(j).Time, b.At(j-1).Time)
			}
		}
		if got, want := b.Last().Time, int64(i+len(bufs)*((99_999-i)/len(bufs))); got != want {
			t.Fatalf("window %d: newest line %d, want %d", i, got, want)
		}
		if b.Abs(b.First()) != b.At(0) || b.Abs(b.First()-1) != nil {
			t.Fatalf("window %d: absolute numbers", i)
		}
	}
	if sum != p.Used() {
		t.Fatalf("buffers hold %d bytes, the pool counts %d", sum, p.Used())
	}
	if hi-lo > 2*int64(minRing)*lineSize+512 {
		t.Errorf("shares are unfair: %d to %d bytes", lo, hi)
	}
	if p.Used() < limit*3/4 {
		t.Errorf("the pool holds only %d of %d bytes", p.Used(), limit)
	}
}

// TestQuietWindowKeepsItsHistory: a busy window fills the budget; a quiet
// window's few lines stay, since the busy one holds the most.
func TestQuietWindowKeepsItsHistory(t *testing.T) {
	p := NewPool(256 << 10)
	quiet, busy := p.Buffer(), p.Buffer()
	for i := range 10 {
		quiet.Push(chatter(i))
	}
	for i := range 50_000 {
		busy.Push(chatter(i))
	}
	if quiet.Len() != 10 || quiet.At(0).Time != 0 {
		t.Fatalf("the quiet window kept %d lines from %d", quiet.Len(), quiet.At(0).Time)
	}
	if busy.Last().Time != 49_999 || p.Used() > p.Limit() {
		t.Fatalf("busy window: newest %d, pool %d of %d", busy.Last().Time, p.Used(), p.Limit())
	}
}

// TestReleaseAndResetGiveBytesBack: a cleared window and a closed one
// hold nothing against the budget.
func TestReleaseAndResetGiveBytesBack(t *testing.T) {
	p := NewPool(1 << 20)
	a, b := p.Buffer(), p.Buffer()
	for i := range 1000 {
		a.Push(chatter(i))
		b.Push(chatter(i))
	}
	a.Reset()
	if a.Len() != 0 || a.Total() != 1000 || a.Last() != nil || p.Used() != b.Bytes() {
		t.Fatalf("after Reset: len %d total %d, pool %d, b %d", a.Len(), a.Total(), p.Used(), b.Bytes())
	}
	b.Release()
	if p.Used() != 0 || len(p.bufs) != 1 {
		t.Fatalf("after Release: pool %d bytes, %d buffers", p.Used(), len(p.bufs))
	}
	a.Push(chatter(1))
	if a.Len() != 1 || a.Abs(1000) == nil {
		t.Fatal("a reset buffer takes lines again")
	}
}

// TestZeroBudgetKeepsNothing: headless keeps no lines but still counts
// them (the unread marker and queued lines go by the count).
func TestZeroBudgetKeepsNothing(t *testing.T) {
	p := NewPool(0)
	b := p.Buffer()
	for i := range 1000 {
		b.Push(chatter(i))
	}
	if b.Len() != 0 || b.Total() != 1000 || p.Used() != 0 || b.Last() != nil || b.Abs(999) != nil {
		t.Fatalf("len %d total %d used %d", b.Len(), b.Total(), p.Used())
	}
	l := &Log{Buf: b}
	l.Width, l.Height = 40, 5
	l.Push(chatter(1))
	l.Scroll(3)
	if l.Offset() != 0 || len(l.Rows()) != 5 {
		t.Fatalf("offset %d", l.Offset())
	}
}

// TestLinesDoNotPinTheirMessage: a line cut from a long message holds a
// copy of its text, not the whole message.
func TestLinesDoNotPinTheirMessage(t *testing.T) {
	b := NewPool(1 << 30).Buffer()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range 1000 {
		raw := fmt.Sprintf("@time=x;msgid=%d %s :pingou!p@host PRIVMSG #c :short %d", i, strings.Repeat("x", 4000), i)
		j := strings.Index(raw, "short")
		b.Push(Line{Nick: raw[j-29 : j-23], Text: raw[j:]})
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 1000*1000 {
		t.Fatalf("1000 short lines hold %d bytes of heap", grew)
	}
	if b.Last().Text != "short 999" {
		t.Fatalf("last line %q", b.Last().Text)
	}
	runtime.KeepAlive(b)
}

// TestScrolledViewSurvivesEviction: a window scrolled back while another
// window's lines push its oldest out keeps a valid view.
func TestScrolledViewSurvivesEviction(t *testing.T) {
	p := NewPool(64 << 10)
	l := NewIn(testCommon(40, 6), p)
	other := p.Buffer()
	for i := range 200 {
		l.Push(chatter(i))
	}
	l.Scroll(150)
	for i := range 20_000 {
		other.Push(chatter(i))
	}
	if l.Offset() >= max(l.Buf.Len(), 1) || len(l.Rows()) != 6 {
		t.Fatalf("offset %d of %d lines", l.Offset(), l.Buf.Len())
	}
}

func testCommon(w, h int) common.Common {
	return common.Common{Width: w, Height: h, Styles: common.NewStyles(themes.Dark()), Keys: common.DefaultKeyMap(), Me: &common.Me{Nick: "chair"}}
}
