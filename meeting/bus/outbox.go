package bus

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strconv"
	"strings"
)

// The outbox file holds one record a line:
//
//	<crc32c of the JSON, 8 hex digits> <JSON>\n
//
// where the JSON is {"k":"msg",...Message} for an event to send, or
// {"k":"ack","id":...} once the broker has confirmed the message with that
// id. Records are only ever appended (and the file rewritten, atomically,
// to drop what is done), so a crash can only tear the last line.

// record is one line of the outbox.
type record struct {
	Kind string `json:"k"` // "msg" or "ack"
	Message
}

// Contents is what an outbox file holds.
type Contents struct {
	// Pending are the messages not yet confirmed, oldest first.
	Pending []Message
	// Acked are the ids of confirmed messages, oldest first, as far as the
	// file remembers them.
	Acked []string
}

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

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// maxRecord bounds one outbox line (a meeting with thousands of attendees
// stays far below it); a longer line is corrupt.
const maxRecord = 4 << 20

// encodeRecord returns the line for r, newline included.
func encodeRecord(r record) ([]byte, error) {
	var js bytes.Buffer
	enc := json.NewEncoder(&js)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	body := bytes.TrimSuffix(js.Bytes(), []byte("\n"))
	line := make([]byte, 0, 9+len(body)+1)
	line = fmt.Appendf(line, "%08x ", crc32.Checksum(body, castagnoli))
	line = append(line, body...)
	return append(line, '\n'), nil
}

// decodeRecord reads one line (without its newline).
func decodeRecord(line []byte) (record, error) {
	if len(line) < 10 || line[8] != ' ' {
		return record{}, errors.New("no checksum")
	}
	var sum [4]byte
	if _, err := hex.Decode(sum[:], line[:8]); err != nil {
		return record{}, errors.New("no checksum")
	}
	body := line[9:]
	want := uint32(sum[0])<<24 | uint32(sum[1])<<16 | uint32(sum[2])<<8 | uint32(sum[3])
	if crc32.Checksum(body, castagnoli) != want {
		return record{}, errors.New("checksum mismatch")
	}
	var r record
	if err := json.Unmarshal(body, &r); err != nil {
		return record{}, fmt.Errorf("bad JSON: %v", err)
	}
	if !validID(r.ID) {
		return record{}, fmt.Errorf("bad message id %s", strconv.Quote(clip(r.ID)))
	}
	switch r.Kind {
	case "ack":
	case "msg":
		if r.Topic != TopicStart && r.Topic != TopicComplete {
			return record{}, fmt.Errorf("unknown topic %s", strconv.Quote(clip(r.Topic)))
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(r.Body, &obj); err != nil || obj == nil {
			return record{}, errors.New("body is not a JSON object")
		}
		if r.SentAt.IsZero() {
			return record{}, errors.New("no sent_at time")
		}
	default:
		return record{}, fmt.Errorf("unknown record kind %s", strconv.Quote(clip(r.Kind)))
	}
	return r, nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// ReadOutbox reads an outbox file. It returns every message that is not
// acknowledged, in order, and the acknowledged ids. A last line without its
// newline that does not check out is a write the process died in and is
// dropped silently; any other unreadable line is skipped and reported in a
// *CorruptError, returned with the contents of every good line.
func ReadOutbox(r io.Reader) (Contents, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var c Contents
	var corrupt CorruptError
	index := map[string]int{} // pending message id → index in c.Pending
	acked := map[string]bool{}
	var off int64
	for n := 1; ; n++ {
		line, tooLong, err := readLine(br)
		if err != nil && err != io.EOF {
			return c, err
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
			if torn {
				break
			}
			continue
		}
		rec, derr := decodeRecord(line)
		if derr != nil {
			if !torn {
				corrupt.Lines = append(corrupt.Lines, CorruptLine{N: n, Offset: start, Reason: derr.Error()})
			}
			if torn {
				break
			}
			continue
		}
		switch rec.Kind {
		case "msg":
			if _, dup := index[rec.ID]; dup || acked[rec.ID] {
				break // the same event handed twice: it is sent once
			}
			index[rec.ID] = len(c.Pending)
			c.Pending = append(c.Pending, rec.Message)
		case "ack":
			if acked[rec.ID] {
				break
			}
			acked[rec.ID] = true
			c.Acked = append(c.Acked, rec.ID)
			if i, ok := index[rec.ID]; ok {
				c.Pending[i].ID = "" // marked; dropped below
				delete(index, rec.ID)
			}
		}
		if torn {
			break
		}
	}
	kept := c.Pending[:0]
	for _, m := range c.Pending {
		if m.ID != "" {
			kept = append(kept, m)
		}
	}
	c.Pending = kept
	if len(corrupt.Lines) > 0 {
		return c, &corrupt
	}
	return c, nil
}

// readLine returns the next line without its newline; err is io.EOF when
// the line had no newline. Lines longer than maxRecord are skipped
// (tooLong) without being held in memory.
func readLine(br *bufio.Reader) (line []byte, tooLong bool, err error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(chunk) > maxRecord+1 {
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

// encodeContents writes c as a fresh outbox file.
func encodeContents(w io.Writer, c Contents) error {
	bw := bufio.NewWriter(w)
	for _, id := range c.Acked {
		line, err := encodeRecord(record{Kind: "ack", Message: Message{ID: id}})
		if err != nil {
			return err
		}
		bw.Write(line)
	}
	for _, m := range c.Pending {
		line, err := encodeRecord(record{Kind: "msg", Message: m})
		if err != nil {
			return err
		}
		bw.Write(line)
	}
	return bw.Flush()
}
