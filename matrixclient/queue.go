package matrixclient

// seenSet remembers the last event IDs of a room, so that none is
// delivered twice (a backfill that overlaps a timeline, a sync repeated
// after a reconnect).
type seenSet struct {
	ids  map[string]struct{}
	ring []string
	next int
}

const seenMax = 4096

func newSeenSet() *seenSet { return &seenSet{ids: map[string]struct{}{}} }

func (s *seenSet) has(id string) bool { _, ok := s.ids[id]; return ok }

func (s *seenSet) add(id string) {
	if id == "" || s.has(id) {
		return
	}
	if len(s.ring) < seenMax {
		s.ring = append(s.ring, id)
	} else {
		delete(s.ids, s.ring[s.next])
		s.ring[s.next] = id
		s.next = (s.next + 1) % seenMax
	}
	s.ids[id] = struct{}{}
}
