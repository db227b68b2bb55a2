package minutes

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxMinutesBytes caps a minutes file read back for its actions (the
// minutes of a day-long meeting are a few hundred KiB).
const maxMinutesBytes = 32 << 20

// ReadJSONActions returns the action items of B.json minutes (schema
// gavel.minutes/1): the text of every ACTION item, in the order they were
// given.
func ReadJSONActions(r io.Reader) ([]string, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxMinutesBytes+1))
	if err != nil {
		return nil, fmt.Errorf("minutes: %w", err)
	}
	if len(data) > maxMinutesBytes {
		return nil, fmt.Errorf("minutes: JSON minutes larger than %d MiB", maxMinutesBytes>>20)
	}
	var doc struct {
		Schema string     `json:"schema"`
		Items  []JSONItem `json:"items"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("minutes: not JSON minutes: %w", err)
	}
	if doc.Schema != JSONSchema {
		return nil, fmt.Errorf("minutes: JSON schema %q, want %q", clipSchema(doc.Schema), JSONSchema)
	}
	actions := []string{}
	for _, it := range doc.Items {
		if it.Type == "ACTION" {
			actions = append(actions, it.Text)
		}
	}
	return actions, nil
}

func clipSchema(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}

// ErrNoActionSection is returned by ReadTextActions for a text that has no
// "Action Items" section (not MeetBot-style minutes).
var ErrNoActionSection = errors.New("minutes: no \"Action Items\" section")

// ReadTextActions returns the action items of B.txt minutes as zodbot
// (MeetBot 0.1.4) and gavel in either style write them: the "Action Items"
// section, one "* " item each, wrapped at 72 columns with a two-space
// indent, which is undone (the lines of an item are joined with one
// space). An empty section gives no actions.
func ReadTextActions(r io.Reader) ([]string, error) {
	sc := bufio.NewScanner(io.LimitReader(r, maxMinutesBytes))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	const heading, rule = "Action Items", "------------"
	prev := ""
	found := false
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if strings.TrimSpace(prev) == heading && strings.TrimSpace(line) == rule {
			found = true
			break
		}
		prev = line
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("minutes: %w", err)
	}
	if !found {
		return nil, ErrNoActionSection
	}
	actions := []string{}
	var cur *strings.Builder
	flush := func() {
		if cur != nil {
			actions = append(actions, cur.String())
			cur = nil
		}
	}
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		switch {
		case strings.HasPrefix(line, "* ") || line == "*": // "*" alone: an empty #action
			flush()
			cur = &strings.Builder{}
			cur.WriteString(strings.TrimSpace(line[1:]))
		case strings.HasPrefix(line, "  ") && cur != nil && strings.TrimSpace(line) != "":
			if cur.Len() > 0 {
				cur.WriteByte(' ')
			}
			cur.WriteString(strings.TrimSpace(line))
		default:
			// A blank line (or anything else) ends the section.
			flush()
			return actions, nil
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("minutes: %w", err)
	}
	flush()
	return actions, nil
}
