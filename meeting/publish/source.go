package publish

import "os"

// Source is what a regenerating writer replays (see Writer.Source): the
// log file, and the logs zodbot left as rename stubs of its meetings
// (written again by their replay, see meeting.Meeting.Stubs). In a
// regeneration, files on disk that are these are the meetings' own, and
// the paths they are named for are the ones the meetings take (see
// Session.resolve).
type Source struct {
	Log   os.FileInfo   // nil when the log is no file (standard input)
	Stubs []os.FileInfo // may be empty
}

// files are the source's files.
func (src *Source) files() []os.FileInfo {
	if src == nil {
		return nil
	}
	if src.Log == nil {
		return src.Stubs
	}
	return append([]os.FileInfo{src.Log}, src.Stubs...)
}

// has reports whether fi is one of the source's files.
func (src *Source) has(fi os.FileInfo) bool {
	for _, f := range src.files() {
		if os.SameFile(f, fi) {
			return true
		}
	}
	return false
}
