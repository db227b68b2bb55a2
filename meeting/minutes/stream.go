package minutes

import (
	"bufio"
	"io"
)

// stickyWriter writes strings to w until one write fails, then keeps
// that error (err) and writes nothing more.
type stickyWriter struct {
	w   io.StringWriter
	err error
}

func (s *stickyWriter) WriteString(str string) {
	if s.err == nil {
		_, s.err = s.w.WriteString(str)
	}
}

// writeSections writes what joinSections(sections, sep) returns, piece
// by piece.
func (s *stickyWriter) writeSections(sections [][]string, sep string) {
	for i, lines := range sections {
		if i > 0 {
			s.WriteString(sep)
		}
		for j, l := range lines {
			if j > 0 {
				s.WriteString("\n")
			}
			s.WriteString(l)
		}
	}
}

// streamTo calls write with w as an io.StringWriter: w itself when it is
// one, else a buffer flushed to it afterwards.
func streamTo(w io.Writer, write func(io.StringWriter) error) error {
	if sw, ok := w.(io.StringWriter); ok {
		return write(sw)
	}
	bw := bufio.NewWriter(w)
	if err := write(bw); err != nil {
		return err
	}
	return bw.Flush()
}
