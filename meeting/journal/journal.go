// Package journal keeps a crash-safe record of a live meeting: every event
// the engine sees is appended and synced before the engine's effects are
// carried out, so that a meeting survives the process being killed.
// Starting again, the events are read back and fed to a fresh engine, which
// then stands exactly where the old one stood.
//
// Each channel has a journal file of its own (see Path). Records are framed
// with their length and a checksum (see frame.go): a damaged record is
// skipped and counted, the records after it are still read, and the damaged
// file is kept aside before the journal is rewritten.
//
// A journal that cannot be written (a full disk, an I/O error, a read-only
// file system) loses nothing: the records stay in memory, every Sync tries
// again, and they are all written as soon as the disk takes them. Sync's
// error says the meeting is not crash-safe until then.
package journal

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gavel/meeting"
)

// Path returns the journal file of a channel under dir. No two channel
// names share one: the file name is the channel's archive name (for people
// looking) and a hash of the name itself, lower-cased in ASCII only, which
// every IRC case mapping folds alike.
func Path(dir, channel string) string {
	sum := sha256.Sum256([]byte(asciiLower(channel)))
	name := meeting.ChannelDir(channel)
	if len(name) > 100 {
		name = name[:100]
	}
	return filepath.Join(dir, name+"."+hex.EncodeToString(sum[:8])+".journal")
}

// legacyPath is where gavel kept a channel's journal before Path (channels
// whose names reduce to the same archive name shared it).
func legacyPath(dir, channel string) string {
	return filepath.Join(dir, meeting.ChannelDir(channel)+".journal")
}

func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// Recovered is what Open found in an existing journal.
type Recovered struct {
	Events []meeting.Event
	// Placed are the paths the archive chose for the meeting's files (see
	// AppendPath), oldest first.
	Placed     []Placed
	Unreadable int    // damaged records skipped
	KeptAt     string // where the damaged file was kept ("" when none was)
}

// Placed is where the archive put a meeting's files under one of its
// names. The journal keeps it (AppendPath) so that a meeting published
// again from its journal, after a crash, writes the files it wrote before
// (and spells its channel as it did), never a second copy.
type Placed struct {
	Channel string // the meeting's channel, as the meeting spells it
	Name    string // the meeting's name
	Path    string // the archive-relative path of its files, without extension
}

// Journal is one channel's journal (or, once detached, one ended meeting's).
type Journal struct {
	fs      FS
	path    string
	f       File  // open for writing; nil until a write needs it
	size    int64 // bytes of the file that are written and synced
	fileLen int64 // bytes the file held when read (a torn tail is cut)
	unread  bool  // the file could not be read: write nothing until it is
	buf     []byte
	n       int    // records in buf (not yet durable)
	seq     uint64 // the sequence number of the last record appended

	removing bool     // Reset: the file is to be removed
	prev     *Journal // a detached segment that must move aside first

	// A detached segment moves to aside; discarded once published.
	aside            string
	moved, discarded bool
}

// Open opens the journal at path on fsys (nil means OS) and returns what it
// holds. The file is created by the first Sync with records to write. An
// error says the journal cannot be read or repaired now; the Journal
// returned works all the same (records wait in memory until the disk takes
// them).
func Open(fsys FS, path string) (*Journal, Recovered, error) {
	if fsys == nil {
		fsys = OS
	}
	j := &Journal{fs: fsys, path: path}
	rec, err := j.read()
	return j, rec, err
}

// OpenChannel opens a channel's journal under dir, moving a journal of the
// old shared layout (see legacyPath) to the channel's own file first.
func OpenChannel(fsys FS, dir, channel string) (*Journal, Recovered, error) {
	if fsys == nil {
		fsys = OS
	}
	path := Path(dir, channel)
	if _, err := fsys.OpenFile(path, os.O_RDONLY, 0); errors.Is(err, fs.ErrNotExist) {
		if err := fsys.Rename(legacyPath(dir, channel), path); err == nil {
			syncDir(fsys, dir)
		}
	}
	return Open(fsys, path)
}

// Detached lists the journals of ended meetings that were detached from the
// channel journal at path (see Detach) and never published, oldest first.
func Detached(fsys FS, path string) ([]string, error) {
	if fsys == nil {
		fsys = OS
	}
	matches, err := fsys.Glob(globEscape(path) + ".*.unpublished")
	if err != nil {
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	return matches, nil // Glob sorts; the stamps sort by time
}

func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// read reads the file, keeping a damaged one aside and rewriting it with
// the records that could be read.
func (j *Journal) read() (Recovered, error) {
	f, err := j.fs.OpenFile(j.path, os.O_RDONLY, 0)
	if errors.Is(err, fs.ErrNotExist) {
		j.unread = false
		return Recovered{}, nil
	}
	if err != nil {
		j.unread = true
		return Recovered{}, fmt.Errorf("journal %s: %w", j.path, err)
	}
	data, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		j.unread = true
		return Recovered{}, fmt.Errorf("journal %s: %w", j.path, err)
	}
	j.unread = false
	p := parse(data)
	j.size, j.fileLen = p.good, int64(len(data))
	j.seq = p.lastSeq
	rec := Recovered{Events: p.events, Placed: p.placed, Unreadable: p.unreadable}
	if p.damaged == 0 {
		return rec, nil
	}
	kept, err := j.keepAside(data)
	rec.KeptAt = kept
	if err != nil {
		return rec, err
	}
	return rec, j.rewrite(p)
}

// keepAside writes a copy of a damaged journal beside it.
func (j *Journal) keepAside(data []byte) (string, error) {
	kept := j.path + "." + stamp() + ".damaged"
	if err := j.writeFile(kept, data); err != nil {
		return "", fmt.Errorf("journal %s: keeping the damaged file aside: %w", j.path, err)
	}
	return kept, nil
}

// rewrite replaces the file with the records read (atomically: temporary
// file, sync, rename).
func (j *Journal) rewrite(p parsed) error {
	var buf []byte
	var seq uint64
	for _, ev := range p.events {
		var err error
		seq++
		if buf, err = appendRecord(buf, seq, ev); err != nil {
			return fmt.Errorf("journal %s: %w", j.path, err)
		}
	}
	for _, pl := range p.placed {
		var err error
		seq++
		if buf, err = appendPayload(buf, seq, placedRecord(pl)); err != nil {
			return fmt.Errorf("journal %s: %w", j.path, err)
		}
	}
	tmp := j.path + ".tmp"
	if err := j.writeFile(tmp, buf); err != nil {
		j.fs.Remove(tmp)
		return fmt.Errorf("journal %s: rewriting without the damaged records: %w", j.path, err)
	}
	if err := j.fs.Rename(tmp, j.path); err != nil {
		j.fs.Remove(tmp)
		return fmt.Errorf("journal %s: rewriting without the damaged records: %w", j.path, err)
	}
	syncDir(j.fs, filepath.Dir(j.path))
	j.size, j.fileLen, j.seq = int64(len(buf)), int64(len(buf)), seq
	return nil
}

// writeFile creates path with data, synced.
func (j *Journal) writeFile(path string, data []byte) error {
	f, err := j.fs.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.WriteAt(data, 0); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return syncDir(j.fs, filepath.Dir(path))
}

func stamp() string { return time.Now().UTC().Format("20060102T150405.000000000") }

func appendRecord(buf []byte, seq uint64, ev meeting.Event) ([]byte, error) {
	rec, ok := recordOf(ev)
	if !ok {
		return buf, fmt.Errorf("cannot record %T", ev)
	}
	return appendPayload(buf, seq, rec)
}

// appendPayload appends rec, numbered seq, as a framed record.
func appendPayload(buf []byte, seq uint64, rec record) ([]byte, error) {
	rec.Seq = seq
	return appendFramed(buf, rec.lossless())
}

func placedRecord(p Placed) record {
	return record{Kind: "path", Channel: p.Channel, Name: p.Name, Path: p.Path}
}

// Append adds an event. It is durable only after Sync.
func (j *Journal) Append(ev meeting.Event) error {
	buf, err := appendRecord(j.buf, j.seq+1, ev)
	if err != nil {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	j.buf = buf
	j.n++
	j.seq++
	return nil
}

// AppendPath records where the archive put the meeting's files under one
// of its names (see Placed). Like Append, it is durable only after Sync.
func (j *Journal) AppendPath(p Placed) error {
	buf, err := appendPayload(j.buf, j.seq+1, placedRecord(p))
	if err != nil {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	j.buf = buf
	j.n++
	j.seq++
	return nil
}

// Pending is the number of records appended but not yet durable.
func (j *Journal) Pending() int {
	n := j.n
	for p := j.prev; p != nil; p = p.prev {
		if !p.moved {
			n += p.n
		}
	}
	return n
}

// Sync writes the appended records through to the disk. Call it before
// carrying out the effects of the events appended. On error the records
// are kept and the next Sync writes them.
func (j *Journal) Sync() error {
	if j.prev != nil {
		if err := j.prev.settle(); err != nil {
			return err
		}
		j.prev = nil
	}
	if j.removing {
		if err := j.remove(); err != nil {
			return err
		}
	}
	if j.n == 0 {
		return nil
	}
	if err := j.openForWrite(); err != nil {
		return err
	}
	if _, err := j.f.WriteAt(j.buf, j.size); err != nil {
		j.f.Truncate(j.size) // best effort: the next write covers it anyway
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	if err := j.f.Sync(); err != nil {
		// The kernel may have dropped the pages: the next Sync writes
		// them again.
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	j.size += int64(len(j.buf))
	j.buf, j.n = j.buf[:0], 0
	return nil
}

// openForWrite opens (creating) the file, reading it first if it could
// not be read before.
func (j *Journal) openForWrite() error {
	if j.f != nil {
		return nil
	}
	if j.unread {
		if _, err := j.read(); err != nil {
			return err // wrapped
		}
	}
	if err := j.fs.MkdirAll(filepath.Dir(j.path), 0o700); err != nil {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	f, err := j.fs.OpenFile(j.path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	if j.fileLen > j.size {
		if err := f.Truncate(j.size); err != nil { // a torn tail
			f.Close()
			return fmt.Errorf("journal %s: %w", j.path, err)
		}
	}
	if j.size == 0 {
		if err := syncDir(j.fs, filepath.Dir(j.path)); err != nil {
			f.Close()
			return fmt.Errorf("journal %s: %w", j.path, err)
		}
	}
	j.f, j.fileLen = f, j.size
	return nil
}

// Reset empties the journal: the meeting it recorded is published. The
// file is removed (the next meeting creates it again); when it cannot be
// now, the next Sync removes it before writing.
func (j *Journal) Reset() error {
	j.buf, j.n, j.seq = j.buf[:0], 0, 0
	j.removing = true
	return j.Sync()
}

func (j *Journal) remove() error {
	if j.f != nil {
		j.f.Close()
		j.f = nil
	}
	if err := j.fs.Remove(j.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	syncDir(j.fs, filepath.Dir(j.path))
	j.removing, j.size, j.fileLen, j.unread = false, 0, 0, false
	return nil
}

// Detach ends the journal's current meeting, which ended but whose minutes
// could not be written: its records move to a file of their own beside the
// channel's (found again by Detached), returned as a Journal to Discard once
// the minutes are out. j goes on, empty, for the channel's next meeting.
// When the move cannot be made now, j's next Sync makes it first.
func (j *Journal) Detach() (*Journal, error) {
	old := *j
	old.aside = j.path + "." + stamp() + ".unpublished"
	*j = Journal{fs: j.fs, path: j.path, prev: &old}
	if err := old.settle(); err != nil {
		return &old, err
	}
	j.prev = nil
	return &old, nil
}

// settle carries out a detached segment's move (or, once discarded, its
// removal).
func (j *Journal) settle() error {
	if j.moved {
		return nil
	}
	if j.prev != nil { // an older segment still at the same path
		if err := j.prev.settle(); err != nil {
			return err
		}
		j.prev = nil
	}
	if j.discarded {
		j.buf, j.n = nil, 0
		if err := j.remove(); err != nil {
			return err
		}
		j.moved = true
		return nil
	}
	if err := j.Sync(); err != nil {
		return err
	}
	if j.f != nil {
		j.f.Close()
		j.f = nil
	}
	if err := j.fs.Rename(j.path, j.aside); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("journal %s: moving an unpublished meeting aside: %w", j.path, err)
	}
	syncDir(j.fs, filepath.Dir(j.path))
	j.path, j.moved = j.aside, true
	return nil
}

// Path is the file the journal is in (for a detached one: once moved).
func (j *Journal) Path() string { return j.path }

// Discard drops a journal whose meeting is published: its file is removed
// (a detached one's, even before it moved aside).
func (j *Journal) Discard() error {
	if j.aside == "" || j.moved {
		j.buf, j.n = nil, 0
		return j.remove()
	}
	j.discarded = true
	return j.settle()
}

// Close syncs and closes the file.
func (j *Journal) Close() error {
	err := j.Sync()
	if j.f != nil {
		err = errors.Join(err, j.f.Close())
		j.f = nil
	}
	return err
}
