// Package chairio is the I/O behind the chair's tools (meeting/chair),
// which do none themselves: agendas read from files, http(s) URLs and
// forges (Sources), the store that keeps the agenda items a meeting did
// not reach for the next meeting of its name (Store), the previous
// meetings' action items in the archive (Archive), and the backend's
// lookups of group members and of a nick's accounts (Lookups). cmd/gavel
// wires them into chair.Config.
package chairio

import (
	"context"
	"fmt"
	"time"

	"gavel/backend"
	"gavel/backend/fetch"
	"gavel/backend/forge"
	"gavel/meeting/chair/agenda"
	"gavel/meeting/publish"
)

// Sources reads agendas: files and http(s) URLs (through HTTP), and the
// open issues of a forge project. It implements chair.AgendaSource.
type Sources struct {
	HTTP  *fetch.Client
	forge *forge.Client
}

// NewSources returns the agenda sources over an HTTP client (nil: one
// with fetch's defaults).
func NewSources(hc *fetch.Client) *Sources {
	if hc == nil {
		hc = fetch.New(fetch.Options{Service: "agenda"})
	}
	return &Sources{HTTP: hc, forge: forge.New(hc, forge.Options{})}
}

// Read reads an agenda from a file or an http(s) URL.
func (s *Sources) Read(ctx context.Context, src string) ([]agenda.Item, error) {
	if IsURL(src) {
		ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		return Fetch(ctx, s.HTTP, src)
	}
	return ReadFile(src)
}

// Forge lists a forge project's open issues with a label as agenda items
// ("#<id> <title>" with the issue's URL), with a note saying what it
// listed.
func (s *Sources) Forge(ctx context.Context, url, label string) ([]agenda.Item, string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	res, err := s.forge.List(ctx, url, label)
	if err != nil {
		return nil, "", err
	}
	var items []agenda.Item
	for _, is := range res.Issues {
		it, err := agenda.NewItem(is.AgendaTitle(), is.URL, 0)
		if err != nil {
			continue // an issue whose link is no http(s) URL: never said
		}
		items = append(items, it)
	}
	note := fmt.Sprintf("%d open %s issues labelled %q in %s", len(items), res.Project.Kind, res.Label, res.Project)
	if res.More {
		note += fmt.Sprintf(" (the first %d)", forge.MaxIssues)
	}
	return items, note, nil
}

// Archive reads the previous meetings' action items from the archive. It
// implements chair.PreviousMeetings.
type Archive struct{ *publish.Archive }

// PreviousActions returns the date and action items of the last meeting
// called name in channel before start.
func (a Archive) PreviousActions(ctx context.Context, channel, name string, start time.Time) (string, []string, bool, error) {
	prev, ok, err := a.Previous(ctx, channel, name, start)
	if err != nil || !ok {
		return "", nil, false, err
	}
	actions, err := prev.Actions()
	if err != nil {
		return "", nil, false, err
	}
	return prev.Date(), actions, true, nil
}

// Lookups are the backend router's lookups the tools use. It implements
// chair.GroupLookup and chair.AccountLookup.
type Lookups struct{ Router *backend.Router }

// GroupMembers lists the members of an account group (the router's
// "members" lookup).
func (l Lookups) GroupMembers(ctx context.Context, group string) ([]string, string, string, error) {
	res, err := l.Router.Lookup(ctx, "members", []string{group})
	if err != nil {
		return nil, "", "", err
	}
	return firstColumn(res), res.Source, res.Note, nil
}

// Accounts lists the accounts that name nick as their IRC nick (an empty
// list when none does).
func (l Lookups) Accounts(ctx context.Context, nick string) ([]string, error) {
	res, err := l.Router.IRCAccounts(ctx, nick)
	if err != nil {
		return nil, err
	}
	return firstColumn(res), nil
}

func firstColumn(res backend.Result) []string {
	out := []string{}
	for _, row := range res.Rows {
		if len(row) > 0 {
			out = append(out, row[0])
		}
	}
	return out
}
