package publish

import (
	"fmt"
	"sync"
)

// spool is a streamed partial log file that never fails a write: what the
// disk does not take (a full disk) waits in memory and goes out with the
// next write, or with flush, so that the log loses nothing and the meeting
// does not stall. It is used by one goroutine at a time (the .log.html one
// is handed over through htmlLog's channels), but err may be read by
// another, so it has a lock.
type spool struct {
	f       tempFile
	mu      sync.Mutex
	pending []byte
	err     error // the last write error; nil once everything is written
	n       int64 // bytes in the file
}

func (s *spool) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.pending) == 0 {
		n, err := s.f.Write(p)
		s.n += int64(n)
		if err == nil {
			return n, nil
		}
		p = p[n:]
		s.err = err
	}
	s.pending = append(s.pending, p...)
	s.flushLocked()
	return len(p), nil
}

// flush writes what waits; the error says the file is not complete yet.
func (s *spool) flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.flushLocked()
}

func (s *spool) flushLocked() error {
	for len(s.pending) > 0 {
		n, err := s.f.Write(s.pending)
		s.n += int64(n)
		s.pending = s.pending[n:]
		if err != nil {
			s.err = fmt.Errorf("publish %s: %w (%d bytes of the log wait in memory)", s.f.Name(), err, len(s.pending))
			return s.err
		}
	}
	s.pending, s.err = nil, nil
	return nil
}

// written is how many bytes are in the file.
func (s *spool) written() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// behind is the write error while some of the log waits in memory.
func (s *spool) behind() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}
