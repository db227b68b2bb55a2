package publish

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gavel/meeting"
	"gavel/meeting/minutes"
)

// Previous is the published minutes of an earlier meeting, found by
// Archive.Previous.
type Previous struct {
	Start   time.Time // when it started (UTC, to the minute, from its file names)
	RelBase string    // archive-relative path without extension, as URLs use it
	JSON    string    // path of its .json minutes on disk, or ""
	Text    string    // path of its .txt minutes on disk, or ""
}

// Date is the day it started, YYYY-MM-DD (UTC), as the follow-up topic
// names it.
func (p Previous) Date() string { return p.Start.Format("2006-01-02") }

// stampLayout is the time in archive file names: <name>.<stamp>.<ext>.
const stampLayout = "2006-01-02-15.04"

// Previous finds the last meeting named name in channel that started
// before before (the asking meeting's start; one of the same minute
// counts when its minutes say it had ended by then, so the asking
// meeting's own #save files never do), and that has .json or .txt
// minutes. The names are those the archive writes, in the archive's style
// (Meeting.NaturalRelBase: the channel's directory and the file names are
// zodbot's in zodbot style), so a meeting finds its predecessors in an
// archive written by gavel or by zodbot. A "-N" copy (the second meeting
// of that name in the same minute, see Session.resolve) is the same
// meeting name; of two meetings in the same minute the later copy wins.
// ok is false when there is none.
func (a *Archive) Previous(ctx context.Context, channel, name string, before time.Time) (p Previous, ok bool, err error) {
	limit := before.UTC().Truncate(time.Minute)
	at := meeting.Meeting{Channel: channel, Style: a.Style, Start: limit}
	// <channel directory>/<day>/<base>: the channel's directory as the
	// archive names it (in zodbot style, through strftime, so it is that
	// of the asking meeting's day).
	chanRel := path.Dir(path.Dir(at.NaturalRelBase(name, "")))
	if !filepath.IsLocal(filepath.FromSlash(chanRel)) {
		return Previous{}, false, fmt.Errorf("publish: channel directory %q leaves the archive root", chanRel)
	}
	chanDir := filepath.Join(a.Root, filepath.FromSlash(chanRel))
	days, err := os.ReadDir(chanDir)
	if errors.Is(err, fs.ErrNotExist) {
		return Previous{}, false, nil
	}
	if err != nil {
		return Previous{}, false, fmt.Errorf("publish: previous meeting: %w", err)
	}
	lastDay := limit.Format("2006-01-02")
	for i := len(days) - 1; i >= 0; i-- { // ReadDir sorts by name: newest day last
		day := days[i].Name()
		if !days[i].IsDir() || day > lastDay {
			continue
		}
		if _, err := time.Parse("2006-01-02", day); err != nil {
			continue
		}
		if err := ctx.Err(); err != nil {
			return Previous{}, false, err
		}
		p, ok, err := a.previousIn(filepath.Join(chanDir, day), chanRel+"/"+day, channel, name, limit, before)
		if err != nil || ok {
			return p, ok, err
		}
	}
	return Previous{}, false, nil
}

// dayFiles are the meetings' files in one day directory, by base name
// (<name>.<stamp>).
type dayFiles map[string]*dayMeeting

type dayMeeting struct {
	start      time.Time
	json, text string // file names, or ""
}

// previousIn looks for the latest minutes of name in one day directory.
func (a *Archive) previousIn(dir, rel, channel, name string, limit, before time.Time) (Previous, bool, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return Previous{}, false, fmt.Errorf("publish: previous meeting: %w", err)
	}
	files := dayFiles{}
	exts := extsOf(meeting.StyleDefault) // every extension of either style, log.txt before txt
	for _, e := range entries {
		fname := e.Name()
		if e.IsDir() || strings.HasPrefix(fname, ".") {
			continue
		}
		var base, ext string
		for _, x := range exts {
			if b, ok := strings.CutSuffix(fname, "."+x); ok {
				base, ext = b, x
				break
			}
		}
		if len(base) < len(stampLayout)+2 || base[len(base)-len(stampLayout)-1] != '.' {
			continue
		}
		start, err := time.Parse(stampLayout, base[len(base)-len(stampLayout):])
		if err != nil {
			continue
		}
		f := files[base]
		if f == nil {
			f = &dayMeeting{start: start}
			files[base] = f
		}
		switch ext {
		case "json":
			f.json = fname
		case "txt":
			f.text = fname
		}
	}
	var best Previous
	bestCopy := 0
	found := false
	for base, f := range files {
		if f.json == "" && f.text == "" || f.start.After(limit) ||
			f.start.Equal(limit) && !files.endedBy(dir, base, before) {
			continue
		}
		if found && f.start.Before(best.Start) {
			continue
		}
		m := meeting.Meeting{Channel: channel, Style: a.Style, Start: f.start}
		n, ok := files.copyOf(&m, dir, rel, base, name)
		if !ok || found && f.start.Equal(best.Start) && n < bestCopy {
			continue // another meeting's, or an earlier copy of the same minute
		}
		best, bestCopy, found = Previous{Start: f.start, RelBase: rel + "/" + base}, n, true
		if f.json != "" {
			best.JSON = filepath.Join(dir, f.json)
		}
		if f.text != "" {
			best.Text = filepath.Join(dir, f.text)
		}
	}
	return best, found, nil
}

// copyOf reports whether base (in the day directory rel) holds a meeting
// named name, and which copy of that name in that minute it is: 1 for the
// natural path, N for the "-N" one (see Session.resolve; m has the
// meeting's channel, style and start). A "-N" path is a copy only where
// the natural one is taken (the archive chose it because it was); else it
// is the natural path of a meeting named with "-N" at its end. Where both
// could be, the JSON minutes' "name" decides, and without them the copy
// wins, since the archive gives "-N" only when the natural one is taken.
func (files dayFiles) copyOf(m *meeting.Meeting, dir, rel, base, name string) (int, bool) {
	is := func(n string, i int) bool {
		suffix := ""
		if i > 1 {
			suffix = "-" + strconv.Itoa(i)
		}
		return m.NaturalRelBase(n, suffix) == rel+"/"+base
	}
	taken := func(n string) bool { _, ok := files[path.Base(m.NaturalRelBase(n, ""))]; return ok }
	stem := strings.TrimSuffix(base, "."+base[len(base)-len(stampLayout):])
	// The "-N" at the end of the file's stem, if any.
	i := strings.LastIndexByte(stem, '-')
	k, err := strconv.Atoi(stem[i+1:])
	if i < 0 || err != nil || k < 2 || k > maxSuffix || strconv.Itoa(k) != stem[i+1:] {
		return 1, is(name, 1)
	}
	switch {
	case is(name, k) && taken(name):
		// A copy of name, unless the meeting was named with the "-N".
		if own, ok := files.jsonName(dir, base); ok && own != name {
			return 0, false
		}
		return k, true
	case is(name, 1):
		// name's natural path; but if name ends in the "-N" itself, it
		// may be the copy of the shorter name.
		short, ok := strings.CutSuffix(name, "-"+strconv.Itoa(k))
		if ok && is(short, k) && taken(short) {
			own, ok := files.jsonName(dir, base)
			return 1, ok && own == name
		}
		return 1, true
	}
	return 0, false
}

// jsonName is the meeting name the JSON minutes of base give, if it has
// readable ones.
func (files dayFiles) jsonName(dir, base string) (string, bool) {
	doc, ok := files.jsonDoc(dir, base)
	return doc.Name, ok
}

// jsonHead is what Previous reads of a meeting's JSON minutes.
type jsonHead struct {
	Schema string `json:"schema"`
	Name   string `json:"name"`
	Start  string `json:"start"`
	End    string `json:"end"`
}

func (files dayFiles) jsonDoc(dir, base string) (jsonHead, bool) {
	f := files[base]
	if f == nil || f.json == "" {
		return jsonHead{}, false
	}
	file, err := os.Open(filepath.Join(dir, f.json))
	if err != nil {
		return jsonHead{}, false
	}
	defer file.Close()
	var doc jsonHead
	if err := json.NewDecoder(io.LimitReader(file, 64<<20)).Decode(&doc); err != nil || doc.Schema != minutes.JSONSchema {
		return jsonHead{}, false
	}
	return doc, true
}

// endedBy reports whether the meeting of base, which started in the same
// minute as the one asking, had ended by the time that one started
// (before, to the second): then it is an earlier meeting, not the asking
// one's own files (#save writes them while it runs). The JSON minutes say
// "end" ("" while a meeting runs); .txt minutes (zodbot's archives) say
// "Meeting started by <nick> at HH:MM:SS UTC" and "Meeting ended at
// HH:MM:SS UTC", where a #save of the asking meeting in its first second
// would look the same as an earlier meeting, so that one case is not
// taken. When the minutes say neither, it is not taken.
func (files dayFiles) endedBy(dir, base string, before time.Time) bool {
	before = before.UTC().Truncate(time.Second)
	if doc, ok := files.jsonDoc(dir, base); ok {
		start, err1 := time.Parse(time.RFC3339, doc.Start)
		end, err2 := time.Parse(time.RFC3339, doc.End)
		return err1 == nil && err2 == nil && !start.After(before) && !end.After(before)
	}
	f := files[base]
	if f == nil || f.text == "" {
		return false
	}
	file, err := os.Open(filepath.Join(dir, f.text))
	if err != nil {
		return false
	}
	defer file.Close()
	head := make([]byte, 4096)
	n, _ := io.ReadFull(file, head)
	// In the minute the file is named after: the meeting started in it
	// and, to have ended before the asking one started, ended in it.
	at := func(re *regexp.Regexp) (time.Time, bool) {
		m := re.FindSubmatch(head[:n])
		if m == nil {
			return time.Time{}, false
		}
		c, err := time.Parse("15:04:05", string(m[1]))
		if err != nil || c.Hour() != f.start.Hour() || c.Minute() != f.start.Minute() {
			return time.Time{}, false
		}
		return f.start.Add(time.Duration(c.Second()) * time.Second), true
	}
	start, ok1 := at(txtStarted)
	end, ok2 := at(txtEnded)
	return ok1 && ok2 && !start.After(before) && !end.After(before) && (start.Before(before) || end.Before(before))
}

// txtStarted and txtEnded find the times in the header of .txt minutes
// (both styles write them, as MeetBot did).
var (
	txtStarted = regexp.MustCompile(`Meeting started by \S+ at (\d\d:\d\d:\d\d) UTC`)
	txtEnded   = regexp.MustCompile(`Meeting ended at (\d\d:\d\d:\d\d) UTC`)
)

// Actions reads the meeting's action items: from its .json minutes when
// it has them, else (or when the .json cannot be read) from the "Action
// Items" section of its .txt minutes (zodbot's archives have no .json).
func (p Previous) Actions() ([]string, error) {
	var errs []error
	for _, src := range []struct {
		path string
		read func(io.Reader) ([]string, error)
	}{{p.JSON, minutes.ReadJSONActions}, {p.Text, minutes.ReadTextActions}} {
		if src.path == "" {
			continue
		}
		actions, err := readActions(src.path, src.read)
		if err == nil {
			return actions, nil
		}
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		return nil, fmt.Errorf("publish: %s has no .json or .txt minutes", p.RelBase)
	}
	return nil, errors.Join(errs...)
}

func readActions(path string, read func(io.Reader) ([]string, error)) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	defer f.Close()
	actions, err := read(f)
	if err != nil {
		return nil, fmt.Errorf("publish: %s: %w", path, err)
	}
	return actions, nil
}
