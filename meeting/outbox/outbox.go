// Package outbox is the durable record file behind everything gavel
// delivers after a meeting: the message bus (meeting/bus) and dispatch
// (meeting/dispatch: mail, forum, tickets) both keep their work in one.
//
// A file holds one record a line:
//
//	<crc32c of the JSON, 8 hex digits> <JSON>\n
//
// Records are only ever appended, each batch synced before the caller goes
// on (so a delivery is on disk before it is attempted, and its outcome
// before it is forgotten), and the file is rewritten atomically (temporary
// file, sync, rename, directory sync) to drop what is done. A crash can
// only tear the last line, which Read drops silently; any other unreadable
// line is reported in a *CorruptError while every good line is still read.
// A lock file keeps two gavels from working the same outbox.
//
// What a record means is the user's business: this package knows lines,
// checksums, files and locks, plus the Backoff both senders wait with.
package outbox

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// MaxRecord bounds one line (a meeting with thousands of attendees, or
// minutes of hundreds of items, stay far below it); a longer line is
// corrupt.
const MaxRecord = 4 << 20

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// CorruptError says which lines of an outbox could not be read. Every good
// record around them was read all the same.
type CorruptError struct {
	Lines []CorruptLine
}

// CorruptLine is one unreadable line.
type CorruptLine struct {
	N      int    // 1-based line number
	Offset int64  // byte offset of the line in the file
	Reason string // what is wrong with it
}

func (e *CorruptError) Error() string {
	var b strings.Builder
	for i, l := range e.Lines {
		if i == 3 {
			fmt.Fprintf(&b, "; and %d more", len(e.Lines)-i)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "line %d (byte %d): %s", l.N, l.Offset, l.Reason)
	}
	return fmt.Sprintf("%d corrupt record(s): %s", len(e.Lines), b.String())
}

// Line returns the record line for v (JSON without HTML escaping),
// newline included.
func Line(v any) ([]byte, error) {
	var js bytes.Buffer
	enc := json.NewEncoder(&js)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	body := bytes.TrimSuffix(js.Bytes(), []byte("\n"))
	line := make([]byte, 0, 9+len(body)+1)
	line = fmt.Appendf(line, "%08x ", Checksum(body))
	line = append(line, body...)
	return append(line, '\n'), nil
}

// Checksum is the CRC-32C a line carries for its JSON.
func Checksum(body []byte) uint32 { return crc32.Checksum(body, castagnoli) }

// Body checks a line's checksum (the line without its newline) and
// returns its JSON.
func Body(line []byte) ([]byte, error) {
	if len(line) < 10 || line[8] != ' ' {
		return nil, errors.New("no checksum")
	}
	var sum [4]byte
	if _, err := hex.Decode(sum[:], line[:8]); err != nil {
		return nil, errors.New("no checksum")
	}
	body := line[9:]
	want := uint32(sum[0])<<24 | uint32(sum[1])<<16 | uint32(sum[2])<<8 | uint32(sum[3])
	if Checksum(body) != want {
		return nil, errors.New("checksum mismatch")
	}
	return body, nil
}

// Read calls each with the JSON of every line whose checksum holds, in
// order. A line that fails its checksum, or that each refuses (its error
// says why), is skipped and reported in the *CorruptError returned at the
// end, unless it is a last line without its newline: that is a write the
// process died in, dropped silently. Any other error is a read error.
func Read(r io.Reader, each func(body []byte) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var corrupt CorruptError
	var off int64
	for n := 1; ; n++ {
		line, tooLong, err := readLine(br)
		if err != nil && err != io.EOF {
			return err
		}
		if len(line) == 0 && err == io.EOF {
			break
		}
		start := off
		off += int64(len(line))
		torn := err == io.EOF // no newline: the last write was cut short
		if !torn {
			off++
		}
		if tooLong {
			corrupt.Lines = append(corrupt.Lines, CorruptLine{N: n, Offset: start, Reason: "line too long"})
		} else {
			body, berr := Body(line)
			if berr == nil {
				berr = each(body)
			}
			if berr != nil && !torn {
				corrupt.Lines = append(corrupt.Lines, CorruptLine{N: n, Offset: start, Reason: berr.Error()})
			}
		}
		if torn {
			break
		}
	}
	if len(corrupt.Lines) > 0 {
		return &corrupt
	}
	return nil
}

// readLine returns the next line without its newline; err is io.EOF when
// the line had no newline. Lines longer than MaxRecord are skipped
// (tooLong) without being held in memory.
func readLine(br *bufio.Reader) (line []byte, tooLong bool, err error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(chunk) > MaxRecord+1 {
				tooLong, buf = true, nil
			} else {
				buf = append(buf, chunk...)
			}
		}
		switch {
		case err == nil:
			return bytes.TrimSuffix(buf, []byte("\n")), tooLong, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		default:
			return buf, tooLong, err
		}
	}
}

// File is an open outbox file: locked, positioned for appending. It is not
// safe for concurrent use; its user holds its own lock around it.
type File struct {
	dir, name, path string
	f               *os.File
	lock            *os.File
}

// Open takes the lock of dir/name (creating dir) and returns the file with
// what it holds now (nil when there is none yet). Another gavel holding
// the lock is an error.
func Open(dir, name string) (*File, []byte, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("outbox: %w", err)
	}
	o := &File{dir: dir, name: name, path: filepath.Join(dir, name)}
	var err error
	if o.lock, err = lockFile(o.path + ".lock"); err != nil {
		return nil, nil, err
	}
	data, err := os.ReadFile(o.path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		o.lock.Close()
		return nil, nil, fmt.Errorf("outbox: %w", err)
	}
	return o, data, nil
}

// Path is the file's path.
func (o *File) Path() string { return o.path }

// SetAside keeps data (the file as it was, holding corrupt records) in a
// copy beside it for a human to look at, and returns the copy's path.
func (o *File) SetAside(data []byte) (string, error) {
	aside := o.path + ".corrupt-" + time.Now().UTC().Format("20060102T150405.000000000")
	if err := writeFileSync(aside, data); err != nil {
		return "", err
	}
	return aside, nil
}

// Rewrite replaces the file atomically with what write writes, and
// appends from its end afterwards.
func (o *File) Rewrite(write func(w io.Writer) error) error {
	tmp, err := os.CreateTemp(o.dir, "."+o.name+".tmp-*")
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	bw := bufio.NewWriter(tmp)
	werr := write(bw)
	if werr == nil {
		werr = bw.Flush()
	}
	if werr == nil {
		werr = tmp.Sync()
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), o.path)
	}
	if werr != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("outbox %s: %w", o.path, werr)
	}
	if err := syncDir(o.dir); err != nil {
		tmp.Close()
		return fmt.Errorf("outbox %s: %w", o.path, err)
	}
	if o.f != nil {
		o.f.Close()
	}
	// The renamed temporary file is the outbox now; append from its end.
	o.f = tmp
	return nil
}

// Append writes lines to the file and syncs them. A failed write is cut
// off again, so that the next record starts on a line of its own.
func (o *File) Append(lines ...[]byte) error {
	if o.f == nil {
		return fmt.Errorf("outbox %s: not rewritten since it was opened", o.path)
	}
	off, err := o.f.Seek(0, io.SeekCurrent)
	if err != nil {
		return fmt.Errorf("outbox %s: %w", o.path, err)
	}
	for _, l := range lines {
		if _, err = o.f.Write(l); err != nil {
			break
		}
	}
	if err == nil {
		err = o.f.Sync()
	}
	if err != nil {
		if terr := o.f.Truncate(off); terr == nil {
			o.f.Seek(off, io.SeekStart)
		}
		return fmt.Errorf("outbox %s: %w", o.path, err)
	}
	return nil
}

// Close closes the file and gives the lock up.
func (o *File) Close() error {
	var err error
	if o.f != nil {
		err = o.f.Close()
	}
	return errors.Join(err, o.lock.Close())
}

// writeFileSync writes a new file and syncs it.
func writeFileSync(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	return errors.Join(err, f.Close())
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Backoff is the wait between attempts while a destination is away: it
// starts at Min and doubles after each failure up to Max. The zero value
// waits 1s to 1m.
type Backoff struct {
	Min, Max time.Duration
	cur      time.Duration
}

// Next returns the wait before the next attempt and doubles it.
func (b *Backoff) Next() time.Duration {
	lo, hi := b.Min, b.Max
	if lo <= 0 {
		lo = time.Second
	}
	if hi < lo {
		hi = max(time.Minute, lo)
	}
	if b.cur < lo {
		b.cur = lo
	}
	d := b.cur
	b.cur = min(2*b.cur, hi)
	return d
}

// Reset starts the waits again from Min (after a success).
func (b *Backoff) Reset() { b.cur = 0 }
