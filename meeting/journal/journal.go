// Package journal keeps a crash-safe record of a live meeting: every event
// the engine sees is appended to a file and synced before the engine's
// effects are carried out, so that a meeting survives the process being
// killed. Starting again, the events are read back and fed to a fresh
// engine, which then stands exactly where the old one stood.
//
// The file holds one JSON object per line. A torn last line (the process
// died mid-write) is ignored; every complete line before it is kept.
package journal

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"gavel/meeting"
)

// record is one journal line.
type record struct {
	Kind    string    `json:"k"` // msg, nick, topic, join, part, quit
	Time    time.Time `json:"t"`
	Nick    string    `json:"n,omitempty"`
	Account string    `json:"a,omitempty"`
	Text    string    `json:"x,omitempty"`
	Action  bool      `json:"me,omitempty"`
	New     string    `json:"new,omitempty"`
}

// Journal is one channel's journal file.
type Journal struct {
	path string
	f    *os.File
	w    *bufio.Writer
	enc  *json.Encoder
	n    int // events appended since the last Sync
}

// Path returns the journal file of a channel under dir.
func Path(dir, channel string) string {
	return filepath.Join(dir, meeting.ChannelDir(channel)+".journal")
}

// Open opens (creating) the journal at path and returns the events it
// already holds, oldest first.
func Open(path string) (*Journal, []meeting.Event, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, nil, fmt.Errorf("journal %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("journal %s: %w", path, err)
	}
	events, good, err := read(f)
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("journal %s: %w", path, err)
	}
	// Drop a torn tail so that new records start on a line of their own.
	if err := f.Truncate(good); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("journal %s: %w", path, err)
	}
	if _, err := f.Seek(good, io.SeekStart); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("journal %s: %w", path, err)
	}
	j := &Journal{path: path, f: f, w: bufio.NewWriterSize(f, 64<<10)}
	j.enc = json.NewEncoder(j.w)
	j.enc.SetEscapeHTML(false)
	return j, events, nil
}

// read decodes every complete record and returns the offset after the last.
func read(r io.Reader) ([]meeting.Event, int64, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var events []meeting.Event
	var good int64
	for {
		line, err := br.ReadBytes('\n')
		if err == io.EOF {
			return events, good, nil // a line without its newline is torn
		}
		if err != nil {
			return nil, 0, err
		}
		var rec record
		if jerr := json.Unmarshal(line, &rec); jerr != nil {
			return events, good, nil // torn or corrupt: keep what came before
		}
		if ev := rec.event(); ev != nil {
			events = append(events, ev)
		}
		good += int64(len(line))
	}
}

func (r record) event() meeting.Event {
	switch r.Kind {
	case "msg":
		return meeting.Message{Time: r.Time, Nick: r.Nick, Account: r.Account, Text: r.Text, Action: r.Action}
	case "nick":
		return meeting.NickChange{Time: r.Time, Old: r.Nick, New: r.New}
	case "topic":
		return meeting.TopicChange{Time: r.Time, Nick: r.Nick, Topic: r.Text}
	case "join":
		return meeting.Join{Time: r.Time, Nick: r.Nick}
	case "part":
		return meeting.Part{Time: r.Time, Nick: r.Nick, Reason: r.Text}
	case "quit":
		return meeting.Quit{Time: r.Time, Nick: r.Nick, Reason: r.Text}
	}
	return nil
}

func recordOf(ev meeting.Event) (record, bool) {
	switch ev := ev.(type) {
	case meeting.Message:
		return record{Kind: "msg", Time: ev.Time, Nick: ev.Nick, Account: ev.Account, Text: ev.Text, Action: ev.Action}, true
	case meeting.NickChange:
		return record{Kind: "nick", Time: ev.Time, Nick: ev.Old, New: ev.New}, true
	case meeting.TopicChange:
		return record{Kind: "topic", Time: ev.Time, Nick: ev.Nick, Text: ev.Topic}, true
	case meeting.Join:
		return record{Kind: "join", Time: ev.Time, Nick: ev.Nick}, true
	case meeting.Part:
		return record{Kind: "part", Time: ev.Time, Nick: ev.Nick, Text: ev.Reason}, true
	case meeting.Quit:
		return record{Kind: "quit", Time: ev.Time, Nick: ev.Nick, Text: ev.Reason}, true
	}
	return record{}, false
}

// Append adds an event. It is durable only after Sync.
func (j *Journal) Append(ev meeting.Event) error {
	rec, ok := recordOf(ev)
	if !ok {
		return fmt.Errorf("journal %s: cannot record %T", j.path, ev)
	}
	if err := j.enc.Encode(rec); err != nil {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	j.n++
	return nil
}

// Sync writes the appended events through to the disk. Call it before
// carrying out the effects of the events appended.
func (j *Journal) Sync() error {
	if j.n == 0 {
		return nil
	}
	if err := j.w.Flush(); err != nil {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	j.n = 0
	return nil
}

// Reset empties the journal: the meeting it recorded is published.
func (j *Journal) Reset() error {
	j.w.Reset(j.f)
	j.n = 0
	if err := j.f.Truncate(0); err != nil {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	if _, err := j.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	return j.f.Sync()
}

// Close syncs and closes the file.
func (j *Journal) Close() error {
	return errors.Join(j.Sync(), j.f.Close())
}
