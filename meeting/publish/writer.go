package publish

import "gavel/meeting"

// Writer carries out, for one channel, the effects of the meeting engine
// that write files: EffectLog streams the log (the first line of a meeting
// opens its Session), EffectSave writes every file as the meeting stands,
// EffectEnd the final files. EffectRename needs nothing at once (zodbot's
// copies of the log under an old name are written with the minutes, from
// Meeting.Stubs), and the other effects are not about files. The live
// controller and replay both use it, so both write the same files the same
// way; what they do when publishing fails is theirs (see Detach, Discard).
type Writer struct {
	a *Archive
	s *Session // the meeting being written; nil between meetings
	// OnSettle is given to every session the writer opens (see
	// Session.OnSettle).
	OnSettle SettleFunc
	// Source, in a regeneration, is the log replayed (see Source); nil
	// when unknown.
	Source *Source
}

// Writer returns a writer of the archive's files.
func (a *Archive) Writer() *Writer { return &Writer{a: a} }

// Apply carries out eff, which the engine returned for its meeting m, and
// returns the files it wrote. When EffectEnd fails the session stays, to be
// finished again (Session.Finish), detached or discarded.
func (w *Writer) Apply(m *meeting.Meeting, eff meeting.Effect) ([]File, error) {
	switch eff.Kind {
	case meeting.EffectLog:
		if w.s == nil {
			s, err := w.a.Open(m)
			if err != nil {
				return nil, err
			}
			s.OnSettle(w.OnSettle)
			s.src = w.Source
			w.s = s
		}
		return nil, w.s.Log(eff.Line)
	case meeting.EffectSave:
		if w.s == nil {
			return nil, nil
		}
		return w.s.Save(m)
	case meeting.EffectEnd:
		if w.s == nil {
			return nil, nil
		}
		files, err := w.s.Finish(m)
		if err == nil {
			w.s.Close()
			w.s = nil
		}
		return files, err
	}
	return nil, nil
}

// Session is the session of the meeting being written, or nil.
func (w *Writer) Session() *Session { return w.s }

// Detach hands over the session (nil if none) and forgets it: the next
// meeting's first line opens a session of its own. The live controller
// detaches a meeting whose final files could not be written, to retry them
// later.
func (w *Writer) Detach() *Session {
	s := w.s
	w.s = nil
	return s
}

// Discard drops the session and its partial logs (replay does, when the
// log it reads still holds every line).
func (w *Writer) Discard() error {
	if w.s == nil {
		return nil
	}
	err := w.s.Close()
	w.s = nil
	return err
}
