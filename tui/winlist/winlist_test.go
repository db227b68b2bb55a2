package winlist

import (
	"testing"

	"gavel/tui/chanlog"
	"gavel/tui/common"
)

// TestWindowsShareOneScrollbackBudget: every window's scrollback draws on
// one budget; a busy window cannot push the total over it, and closing a
// window gives its bytes back.
func TestWindowsShareOneScrollbackBudget(t *testing.T) {
	pool := chanlog.NewPool(64 << 10)
	c := common.Common{Me: &common.Me{Nick: "chair"}}
	l := New(c, "gavel", func() *chanlog.Log { return chanlog.NewIn(c, pool) })
	quiet, busy := l.Open("#quiet", Channel), l.Open("#busy", Channel)
	quiet.Log.Push(chanlog.Line{Nick: "alice", Text: "one line in a quiet channel"})
	for i := range 10_000 {
		busy.Log.Push(chanlog.Line{Time: int64(i), Nick: "bob", Text: "chatter in a busy channel, line after line after line"})
		if pool.Used() > pool.Limit() {
			t.Fatalf("line %d: %d bytes held, budget %d", i, pool.Used(), pool.Limit())
		}
	}
	if quiet.Log.Buf.Len() != 1 || busy.Log.Buf.Last().Time != 9_999 {
		t.Fatalf("quiet window %d lines, busy window's newest %d", quiet.Log.Buf.Len(), busy.Log.Buf.Last().Time)
	}
	before := pool.Used()
	l.Close(busy)
	if pool.Used() >= before || busy.Log.Buf.Bytes() != 0 {
		t.Fatalf("closing the busy window left %d of %d bytes", pool.Used(), before)
	}
	if pool.Used() != quiet.Log.Buf.Bytes() {
		t.Fatalf("the pool holds %d bytes, the quiet window %d", pool.Used(), quiet.Log.Buf.Bytes())
	}
}
