package publish

// Handoff returns a writer holding the meeting being written (none if
// there is none) and forgets it here: this writer goes on with the next
// meeting while the returned one finishes that one (Apply of EffectEnd,
// then Discard on failure). Replay finishes each ended meeting on a
// goroutine of its own this way while it reads on; the two writers must
// each be used from one goroutine.
func (w *Writer) Handoff() *Writer {
	h := &Writer{a: w.a, s: w.s, OnSettle: w.OnSettle, Source: w.Source}
	w.s = nil
	return h
}
