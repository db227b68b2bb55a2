package bus

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strconv"

	"gavel/meeting/outbox"
)

// The outbox file (meeting/outbox's format) holds one record a line,
// whose JSON is {"k":"msg",...Message} for an event to send, or
// {"k":"ack","id":...} once the broker has confirmed the message with that
// id.

// record is one line of the outbox.
type record struct {
	Kind string `json:"k"` // "msg" or "ack"
	Message
}

// CorruptError says which lines of an outbox could not be read (the
// outbox package's).
type CorruptError = outbox.CorruptError

// CorruptLine is one unreadable line.
type CorruptLine = outbox.CorruptLine

// maxRecord bounds one outbox line.
const maxRecord = outbox.MaxRecord

// castagnoli is the checksum's table (the fuzz seeds seal lines with it).
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Contents is what an outbox file holds.
type Contents struct {
	// Pending are the messages not yet confirmed, oldest first.
	Pending []Message
	// Acked are the ids of confirmed messages, oldest first, as far as the
	// file remembers them.
	Acked []string
}

// encodeRecord returns the line for r, newline included.
func encodeRecord(r record) ([]byte, error) { return outbox.Line(r) }

// decodeRecord reads one line (without its newline).
func decodeRecord(line []byte) (record, error) {
	body, err := outbox.Body(line)
	if err != nil {
		return record{}, err
	}
	return decodeBody(body)
}

// decodeBody reads and checks one record's JSON.
func decodeBody(body []byte) (record, error) {
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
	var c Contents
	index := map[string]int{} // pending message id → index in c.Pending
	acked := map[string]bool{}
	err := outbox.Read(r, func(body []byte) error {
		rec, err := decodeBody(body)
		if err != nil {
			return err
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
		return nil
	})
	var corrupt *CorruptError
	if err != nil && !errors.As(err, &corrupt) {
		return c, err
	}
	kept := c.Pending[:0]
	for _, m := range c.Pending {
		if m.ID != "" {
			kept = append(kept, m)
		}
	}
	c.Pending = kept
	return c, err
}

// encodeContents writes c as a fresh outbox file.
func encodeContents(w io.Writer, c Contents) error {
	bw := w
	for _, id := range c.Acked {
		line, err := encodeRecord(record{Kind: "ack", Message: Message{ID: id}})
		if err != nil {
			return err
		}
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	for _, m := range c.Pending {
		line, err := encodeRecord(record{Kind: "msg", Message: m})
		if err != nil {
			return err
		}
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	return nil
}
