package publish

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
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
// before before (the meeting asking; one that started in the same minute
// is its own files, so it is not a candidate), and that has .json or .txt
// minutes. The names are those the archive writes (meeting.ChannelDir,
// Meeting.BaseNameFor), so a meeting finds its predecessors in an archive
// written by gavel in either style or by zodbot. ok is false when there is
// none.
func (a *Archive) Previous(ctx context.Context, channel, name string, before time.Time) (p Previous, ok bool, err error) {
	chanRel := meeting.ChannelDir(channel)
	if !filepath.IsLocal(chanRel) {
		return Previous{}, false, fmt.Errorf("publish: channel directory %q leaves the archive root", chanRel)
	}
	chanDir := filepath.Join(a.Root, chanRel)
	days, err := os.ReadDir(chanDir)
	if errors.Is(err, fs.ErrNotExist) {
		return Previous{}, false, nil
	}
	if err != nil {
		return Previous{}, false, fmt.Errorf("publish: previous meeting: %w", err)
	}
	limit := before.UTC().Truncate(time.Minute)
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
		p, ok, err := a.previousIn(filepath.Join(chanDir, day), chanRel+"/"+day, channel, name, limit)
		if err != nil || ok {
			return p, ok, err
		}
	}
	return Previous{}, false, nil
}

// previousIn looks for the latest minutes of name in one day directory.
func (a *Archive) previousIn(dir, rel, channel, name string, limit time.Time) (Previous, bool, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return Previous{}, false, fmt.Errorf("publish: previous meeting: %w", err)
	}
	var best Previous
	found := false
	for _, e := range entries {
		fname := e.Name()
		if e.IsDir() || strings.HasPrefix(fname, ".") || strings.HasSuffix(fname, ".log.txt") {
			continue
		}
		var base, ext string
		switch {
		case strings.HasSuffix(fname, ".json"):
			base, ext = strings.TrimSuffix(fname, ".json"), "json"
		case strings.HasSuffix(fname, ".txt"):
			base, ext = strings.TrimSuffix(fname, ".txt"), "txt"
		default:
			continue
		}
		if len(base) < len(stampLayout)+2 || base[len(base)-len(stampLayout)-1] != '.' {
			continue
		}
		start, err := time.Parse(stampLayout, base[len(base)-len(stampLayout):])
		if err != nil || !start.Before(limit) {
			continue
		}
		m := meeting.Meeting{Channel: channel, Start: start}
		if m.BaseNameFor(name) != base || m.DayDir() != filepath.Base(dir) {
			continue // another meeting, or a name the archive would not write
		}
		if found && start.Before(best.Start) {
			continue
		}
		if !found || start.After(best.Start) {
			best = Previous{Start: start, RelBase: rel + "/" + base}
			found = true
		}
		path := filepath.Join(dir, fname)
		if ext == "json" {
			best.JSON = path
		} else {
			best.Text = path
		}
	}
	return best, found, nil
}

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
