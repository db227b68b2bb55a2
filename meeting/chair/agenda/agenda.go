// Package agenda is the chair's agenda: the parser of Markdown and
// plain-text agenda lists, the state of an agenda during a meeting
// (current item, next, add, skip) with the lines /next says in the
// channel, and the store that keeps the items a meeting did not reach for
// the next meeting of the same name in the same channel.
//
// Everything the agenda adds to the record is said in the channel as
// ordinary MeetBot commands (#topic, #link), so the log, the minutes and a
// replay agree. The package does no I/O except in Store and has no clock
// of its own; it holds no Bubble Tea types.
package agenda

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Item is one agenda item.
type Item struct {
	Title   string        // clean, one line, at most MaxTitleBytes
	URL     string        // an http(s) URL, or ""
	Timebox time.Duration // 0: none
}

// NewItem makes an item from text that did not come from an agenda list
// (a forge issue's title, a saved item): title is cleaned and cut like a
// parsed title, url must be an http(s) URL or "", and timebox must be 0 or
// within MaxTimebox.
func NewItem(title, url string, timebox time.Duration) (Item, error) {
	title = Cut(Clean(title), MaxTitleBytes)
	url = strings.TrimSpace(url)
	if url != "" {
		if err := checkURL(url); err != nil {
			return Item{}, fmt.Errorf("agenda: %w", err)
		}
		if strings.ContainsAny(url, " \t") || Clean(url) != url {
			return Item{}, fmt.Errorf("agenda: the link %q is not a valid http(s) URL", Cut(Clean(url), 80))
		}
	}
	if title == "" {
		if url == "" {
			return Item{}, errors.New("agenda: the item has no title")
		}
		title = url
	}
	if timebox < 0 || timebox > MaxTimebox {
		return Item{}, fmt.Errorf("agenda: timebox %s is out of range", timebox)
	}
	return Item{Title: title, URL: url, Timebox: timebox}, nil
}

// Lines are what /next says in the channel for the item: "#topic <title>",
// then "#link <url>" when it has a link.
func (it Item) Lines() []string {
	lines := []string{"#topic " + it.Title}
	if it.URL != "" {
		lines = append(lines, "#link "+it.URL)
	}
	return lines
}

// String is the item as a list line: "Title https://… [10m]".
func (it Item) String() string {
	s := it.Title
	if it.URL != "" && it.URL != it.Title {
		s += " " + it.URL
	}
	if it.Timebox > 0 {
		s += " [" + FormatTimebox(it.Timebox) + "]"
	}
	return s
}

// Status is where an item stands in the meeting.
type Status int

// The statuses. Pending and Skipped items are "not reached".
const (
	Pending Status = iota // not yet posted
	Current               // the item under discussion
	Done                  // posted, and the meeting moved on
	Skipped               // passed over with Skip; kept for the next meeting
)

func (s Status) String() string {
	switch s {
	case Current:
		return "current"
	case Done:
		return "done"
	case Skipped:
		return "skipped"
	}
	return "pending"
}

// Entry is an item with its status, as the Agenda pane lists it.
type Entry struct {
	Item
	Status Status
	// Carried marks an item taken over from the previous meeting.
	Carried bool
}

// Key names the meeting whose leftovers a file holds: the network (the
// server name the console connects to), the channel and the meeting's
// final name (meeting.Meeting.Name after #startmeeting or #meetingname).
type Key struct {
	Network string
	Channel string
	Name    string
}

// Offer is the items a previous meeting with the same name in the same
// channel did not reach, offered at the start of this one.
type Offer struct {
	Key     Key
	Items   []Item
	SavedAt time.Time
}

// Agenda is the agenda of one meeting. The zero value is an empty agenda.
// It is not safe for concurrent use (the console owns it).
type Agenda struct {
	entries  []Entry
	cur      int // 1-based number of the Current entry; 0 when none
	offer    *Offer
	accepted bool // the offer was taken into the agenda
}

// New returns an agenda of items, none posted yet.
func New(items []Item) *Agenda {
	a := &Agenda{}
	a.Append(items)
	return a
}

// Len is the number of items.
func (a *Agenda) Len() int { return len(a.entries) }

// Entries lists the items with their status, in order.
func (a *Agenda) Entries() []Entry { return slices.Clone(a.entries) }

// Current returns the item under discussion and its 1-based number.
func (a *Agenda) Current() (Entry, int, bool) {
	if a.cur == 0 {
		return Entry{}, 0, false
	}
	return a.entries[a.cur-1], a.cur, true
}

// Peek returns the item Next would post and its 1-based number: the first
// pending item after the current one (or from the top when none is
// current).
func (a *Agenda) Peek() (Entry, int, bool) {
	i := a.nextIndex()
	if i < 0 {
		return Entry{}, 0, false
	}
	return a.entries[i], i + 1, true
}

func (a *Agenda) nextIndex() int {
	for i := a.cur; i < len(a.entries); i++ {
		if a.entries[i].Status == Pending {
			return i
		}
	}
	// Items added above the current one (or pending before it) come last.
	for i := 0; i < a.cur-1; i++ {
		if a.entries[i].Status == Pending {
			return i
		}
	}
	return -1
}

// ErrEnd is returned by Next when no item is left.
var ErrEnd = errors.New("agenda: no items left")

// Next moves to the next pending item and returns it with the lines to say
// in the channel (see Item.Lines). The item that was current is done.
func (a *Agenda) Next() (Item, []string, error) {
	i := a.nextIndex()
	if i < 0 {
		return Item{}, nil, ErrEnd
	}
	a.setCurrent(i)
	it := a.entries[i].Item
	return it, it.Lines(), nil
}

func (a *Agenda) setCurrent(i int) {
	if a.cur > 0 && a.cur-1 != i {
		a.entries[a.cur-1].Status = Done
	}
	a.cur = i + 1
	a.entries[i].Status = Current
}

// TopicSet tells the agenda that a topic was set in the channel (by /next
// or by hand). When the topic is the title of a pending or skipped item,
// that item becomes current (the one before is done) and is returned; a
// topic that is the current item's title returns it unchanged. Titles
// compare case-insensitively, white space folded.
func (a *Agenda) TopicSet(topic string) (Entry, bool) {
	t := Clean(topic)
	if t == "" {
		return Entry{}, false
	}
	if a.cur > 0 && strings.EqualFold(a.entries[a.cur-1].Title, t) {
		return a.entries[a.cur-1], true
	}
	for i, e := range a.entries {
		if (e.Status == Pending || e.Status == Skipped) && strings.EqualFold(e.Title, t) {
			a.setCurrent(i)
			return a.entries[i], true
		}
	}
	return Entry{}, false
}

// Add parses text as one agenda line ("Title https://… [10m]"; a list
// marker is allowed) and appends it.
func (a *Agenda) Add(text string) (Item, error) {
	if _, rest, ok := listItem(strings.TrimLeft(text, " ")); ok {
		text = rest
	}
	if len(text) > MaxLineBytes {
		return Item{}, &ParseError{Msg: fmt.Sprintf("the item is longer than %d bytes", MaxLineBytes)}
	}
	if len(a.entries) >= MaxItems {
		return Item{}, &ParseError{Msg: fmt.Sprintf("the agenda already has %d items", MaxItems)}
	}
	it, skip, err := parseItem(text)
	if err == nil && skip {
		err = errors.New("the item has no title")
	}
	if err != nil {
		return Item{}, &ParseError{Msg: err.Error()}
	}
	a.Append([]Item{it})
	return it, nil
}

// Append adds items at the end, pending (up to MaxItems in all).
func (a *Agenda) Append(items []Item) {
	for _, it := range items {
		if len(a.entries) >= MaxItems {
			return
		}
		a.entries = append(a.entries, Entry{Item: it})
	}
}

// Skip passes over item n (1-based; 0 means the item Next would post). A
// skipped item is not posted by Next and is kept for the next meeting;
// TopicSet with its title still makes it current.
func (a *Agenda) Skip(n int) (Item, error) {
	i := n - 1
	if n == 0 {
		i = a.nextIndex()
		if i < 0 {
			return Item{}, ErrEnd
		}
	}
	if i < 0 || i >= len(a.entries) {
		return Item{}, fmt.Errorf("agenda: there is no item %d (the agenda has %d)", n, len(a.entries))
	}
	switch a.entries[i].Status {
	case Current:
		return Item{}, fmt.Errorf("agenda: item %d is under discussion; /next moves on", n)
	case Done:
		return Item{}, fmt.Errorf("agenda: item %d was already discussed", n)
	}
	a.entries[i].Status = Skipped
	return a.entries[i].Item, nil
}

// Offer records items left over by the previous meeting of this name (see
// Store.Load), to be taken in with AcceptOffer. A new offer replaces one
// not accepted (the meeting was renamed); nil or empty clears it.
func (a *Agenda) Offer(o *Offer) {
	if a.accepted {
		return
	}
	if o == nil || len(o.Items) == 0 {
		a.offer = nil
		return
	}
	cp := *o
	cp.Items = slices.Clone(o.Items)
	a.offer = &cp
}

// Offered returns the offer waiting to be accepted, if any.
func (a *Agenda) Offered() (Offer, bool) {
	if a.offer == nil || a.accepted {
		return Offer{}, false
	}
	return *a.offer, true
}

// OfferState is the offer the agenda holds (nil: none) and whether it was
// accepted: what the leftovers store needs at the meeting's end.
func (a *Agenda) OfferState() (*Offer, bool) { return a.offer, a.accepted }

// AcceptOffer puts the offered items first among the pending items (after
// any item already posted) and returns how many were added.
func (a *Agenda) AcceptOffer() int {
	if a.offer == nil || a.accepted {
		return 0
	}
	a.accepted = true
	at := a.cur
	for i := at; i < len(a.entries); i++ {
		if a.entries[i].Status != Pending && a.entries[i].Status != Skipped {
			at = i + 1
		}
	}
	var add []Entry
	for _, it := range a.offer.Items {
		if len(a.entries)+len(add) >= MaxItems {
			break
		}
		add = append(add, Entry{Item: it, Carried: true})
	}
	a.entries = slices.Insert(a.entries, at, add...)
	return len(add)
}

// Leftovers are the items not reached (pending or skipped), in agenda
// order: what Store.Finish keeps for the next meeting.
func (a *Agenda) Leftovers() []Item {
	var out []Item
	for _, e := range a.entries {
		if e.Status == Pending || e.Status == Skipped {
			out = append(out, e.Item)
		}
	}
	return out
}
