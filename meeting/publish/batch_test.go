package publish

import (
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"

	"gavel/meeting"
)

// syncCounter is a temporary file that counts its syncs.
type syncCounter struct {
	tempFile
	n *atomic.Int64
}

func (f syncCounter) Sync() error {
	f.n.Add(1)
	return f.tempFile.Sync()
}

// TestBatchDefersSyncs: an archive of a batch writes every file in place
// (renamed atomically, no temporary file left) without syncing any; the
// batch knows the directories written and syncs them at the end.
func TestBatchDefersSyncs(t *testing.T) {
	for _, batched := range []bool{false, true} {
		root := t.TempDir()
		a := New(root, meeting.StyleDefault, "")
		var syncs atomic.Int64
		a.create = func(d *dirHandle, prefix, suffix string, named bool, perm os.FileMode) (tempFile, string, error) {
			f, name, err := createLocked(d, prefix, suffix, named, perm)
			if err != nil {
				return nil, "", err
			}
			return syncCounter{f, &syncs}, name, nil
		}
		b := NewBatch()
		if batched {
			b.adopt(a)
		}
		m, s, _ := meetingOf(t, a, "#startmeeting Batch", "#info one", "#save", "#info two", "#endmeeting")
		files, err := s.Finish(m)
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		if len(files) != 6 {
			t.Fatalf("%d files", len(files))
		}
		dir := filepath.Join(root, "meet", "2026-11-24")
		for _, f := range files {
			if _, err := os.Stat(f.Path); err != nil {
				t.Fatal(err)
			}
		}
		if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) > 0 {
			t.Fatalf("temporary files left: %v", left)
		}
		if !batched {
			if syncs.Load() == 0 || len(b.Dirs()) != 0 {
				t.Fatalf("unbatched: %d syncs, dirs %v", syncs.Load(), b.Dirs())
			}
			continue
		}
		if syncs.Load() != 0 {
			t.Fatalf("%d files synced one by one in a batch", syncs.Load())
		}
		if got := b.Dirs(); !slices.Equal(got, []string{dir}) {
			t.Fatalf("dirs %v, want %v", got, []string{dir})
		}
		if err := b.Sync(); err != nil {
			t.Fatal(err)
		}
		if got := b.Dirs(); len(got) != 0 {
			t.Fatalf("dirs after Sync: %v", got)
		}
	}
}

func TestBatchSyncReportsErrors(t *testing.T) {
	b := NewBatch()
	a := b.Archive(t.TempDir(), meeting.StyleDefault, "")
	gone := filepath.Join(a.Root, "gone")
	b.note(gone)
	if err := b.Sync(); err == nil {
		t.Fatal("syncing a missing directory succeeded")
	}
}
