package chair

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"gavel/meeting"
	"gavel/meeting/chair/agenda"
)

// The kinds of notes.
const (
	noteAgenda   = "agenda"   // an agenda read (Items, Source, Text); Add: appended (a forge's issues)
	noteAdd      = "add"      // /agenda add (Items)
	noteSkip     = "skip"     // /agenda skip (N)
	noteTake     = "take"     // /agenda take
	noteClear    = "clear"    // /agenda clear
	noteNext     = "next"     // /next
	noteTimebox  = "timebox"  // /timebox (Box)
	noteNotice   = "notice"   // /timebox notice (On)
	noteVoters   = "voters"   // /voters (Members, Group, Source, Text)
	noteQuorum   = "quorum"   // /quorum (N, Percent)
	noteDone     = "done"     // /done (N)
	noteCarry    = "carry"    // /carry (N)
	notePrevious = "previous" // the previous meeting of the name (Name, Start, Items, Saved, Date, Actions)
	noteAccounts = "accounts" // the accounts of a nick (Nick, Members), for roll call
)

// Note is a setting of the chair's tools that the channel does not see: a
// command's, or the answer of a Job. The live driver journals it, in order
// with the channel's events, before its lines are said; a resumed meeting
// applies it again. Err marks a Job that failed: it is reported, never
// journalled.
type Note struct {
	Kind    string        `json:"k"`
	Items   []agenda.Item `json:"items,omitempty"`
	Source  string        `json:"src,omitempty"`
	Text    string        `json:"text,omitempty"`
	Add     bool          `json:"add,omitempty"`
	N       int           `json:"n,omitempty"`
	Percent int           `json:"pct,omitempty"`
	On      bool          `json:"on,omitempty"`
	Box     time.Duration `json:"box,omitempty"`
	Members []string      `json:"members,omitempty"`
	Group   string        `json:"group,omitempty"`
	Nick    string        `json:"nick,omitempty"`
	Name    string        `json:"name,omitempty"`
	Start   time.Time     `json:"start,omitzero"`
	Saved   time.Time     `json:"saved,omitzero"`
	Date    string        `json:"date,omitempty"`
	Actions []string      `json:"actions,omitempty"`
	// OfferErr and FollowErr are the previous meeting's lookups that
	// failed (reported when the note is applied live).
	OfferErr  string `json:"offer_err,omitempty"`
	FollowErr string `json:"follow_err,omitempty"`
	Err       string `json:"-"`
}

func (n Note) failed(text string) Note {
	n.Err = text
	return n
}

// Event is the note as the journal keeps it.
func (n Note) Event(at time.Time) (meeting.Note, error) {
	b, err := json.Marshal(n)
	if err != nil {
		return meeting.Note{}, fmt.Errorf("chair: note %s: %w", n.Kind, err)
	}
	return meeting.Note{Time: at, Kind: n.Kind, Text: string(b)}, nil
}

// NoteOf reads a journalled note.
func NoteOf(ev meeting.Note) (Note, error) {
	var n Note
	if err := json.Unmarshal([]byte(ev.Text), &n); err != nil {
		return Note{}, fmt.Errorf("chair: journalled note %q: %w", ev.Kind, err)
	}
	if n.Kind != ev.Kind {
		return Note{}, fmt.Errorf("chair: journalled note %q holds %q", ev.Kind, n.Kind)
	}
	return n, nil
}

// ErrUsage says a command's arguments are not what it takes.
var ErrUsage = errors.New("chair: usage")

// errNoMeeting is said by the tools that need a running meeting.
var errNoMeeting = errors.New("no meeting is running here (#startmeeting first)")

// Commands are the chair's commands the tools run, in help order.
var Commands = []string{"agenda", "next", "timebox", "followup", "done", "carry", "voters", "quorum", "rollcall"}

// Command runs a chair's command: name is one of Commands, arg what
// follows it; now is the presenter's clock. It returns what to do, and
// the note to journal (before the lines are said) when the command
// changed the tools. An error says why the command did nothing (ErrUsage:
// its arguments are wrong).
func (t *Tools) Command(name, arg string, e Engine, now time.Time) (Out, *Note, error) {
	args := strings.Fields(arg)
	arg = strings.TrimSpace(arg)
	running := e.Meeting() != nil && !e.Meeting().Ended()
	needMeeting := func() error {
		if !running {
			return errNoMeeting
		}
		return nil
	}
	var n Note
	switch name {
	case "agenda":
		if len(args) == 0 {
			return Out{}, nil, ErrUsage
		}
		rest := strings.TrimSpace(arg[len(args[0]):])
		switch strings.ToLower(args[0]) {
		case "load":
			if rest == "" {
				return Out{}, nil, ErrUsage
			}
			return t.readJob(rest), nil, nil
		case "forge":
			if len(args) < 2 || len(args) > 3 {
				return Out{}, nil, ErrUsage
			}
			label := ""
			if len(args) == 3 {
				label = args[2]
			}
			return t.forgeJob(args[1], label), nil, nil
		case "add":
			if rest == "" {
				return Out{}, nil, ErrUsage
			}
			scratch := agenda.New(nil)
			it, err := scratch.Add(rest)
			if err != nil {
				return Out{}, nil, err
			}
			if t.agenda != nil && !t.finished && t.agenda.Len() >= agenda.MaxItems {
				return Out{}, nil, fmt.Errorf("agenda: the agenda already has %d items", agenda.MaxItems)
			}
			n = Note{Kind: noteAdd, Items: []agenda.Item{it}}
		case "skip":
			n = Note{Kind: noteSkip}
			if rest != "" {
				v, err := atoi(rest)
				if err != nil || v < 1 {
					return Out{}, nil, ErrUsage
				}
				n.N = v
			}
		case "take":
			n = Note{Kind: noteTake}
		case "clear":
			n = Note{Kind: noteClear}
		default:
			return Out{}, nil, ErrUsage
		}
	case "next":
		if err := needMeeting(); err != nil {
			return Out{}, nil, err
		}
		n = Note{Kind: noteNext}
	case "timebox":
		switch {
		case len(args) == 0:
			text := "no topic is timed"
			if clk, ok := t.Clock(now); ok {
				text = "topic " + clk.Topic + ": " + clk.Text
			}
			var out Out
			out.info("%s · timebox notice in the channel %s", text, onOff(t.notice))
			return out, nil, nil
		case strings.EqualFold(args[0], "notice"):
			if len(args) != 2 || !strings.EqualFold(args[1], "on") && !strings.EqualFold(args[1], "off") {
				return Out{}, nil, ErrUsage
			}
			n = Note{Kind: noteNotice, On: strings.EqualFold(args[1], "on")}
		default:
			n = Note{Kind: noteTimebox}
			if !strings.EqualFold(arg, "off") {
				d, ok, err := agenda.ParseTimebox(arg)
				if !ok {
					return Out{}, nil, ErrUsage
				}
				if err != nil {
					return Out{}, nil, err
				}
				n.Box = d
			}
		}
	case "followup", "done", "carry":
		if err := needMeeting(); err != nil {
			return Out{}, nil, err
		}
		if t.follow == nil {
			m := e.Meeting()
			return Out{}, nil, fmt.Errorf("the archive has no action items of an earlier meeting %s in %s", m.Name, m.Channel)
		}
		if name == "followup" {
			return Out{Say: []string{t.follow.Topic()}}, nil, nil
		}
		if len(args) != 1 {
			return Out{}, nil, ErrUsage
		}
		v, err := atoi(strings.TrimPrefix(args[0], "#"))
		if err != nil {
			return Out{}, nil, ErrUsage
		}
		n = Note{Kind: noteDone, N: v}
		if name == "carry" {
			n.Kind = noteCarry
		}
	case "voters":
		if len(args) == 0 {
			return Out{}, nil, ErrUsage
		}
		if err := needMeeting(); err != nil {
			return Out{}, nil, err
		}
		if strings.HasPrefix(strings.ToLower(args[0]), "group:") {
			return t.groupJob(args), nil, nil
		}
		r, err := ParseVoters(context.Background(), nil, t.fold, args)
		if err != nil {
			return Out{}, nil, err
		}
		n = rosterNote(r)
	case "quorum":
		if len(args) == 0 {
			return Out{}, nil, ErrUsage
		}
		if err := needMeeting(); err != nil {
			return Out{}, nil, err
		}
		q, err := ParseQuorum(arg)
		if err != nil {
			return Out{}, nil, err
		}
		n = Note{Kind: noteQuorum, N: q.N, Percent: q.Percent}
	case "rollcall":
		if err := needMeeting(); err != nil {
			return Out{}, nil, err
		}
		return Out{Say: []string{RollCallTopic}}, nil, nil
	default:
		return Out{}, nil, fmt.Errorf("chair: unknown command %q", name)
	}
	out, err := t.apply(n, e, true)
	if err != nil {
		return Out{}, nil, err
	}
	return out, &n, nil
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

func atoi(s string) (int, error) {
	n := 0
	if s == "" || len(s) > 6 {
		return 0, errors.New("not a number")
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, errors.New("not a number")
		}
		n = n*10 + int(c-'0')
	}
	return n, nil
}

func rosterNote(r Roster) Note {
	return Note{Kind: noteVoters, Members: r.Members, Group: r.Group, Source: r.Source, Text: r.Note}
}

// readJob reads an agenda from a file or a URL (/agenda load).
func (t *Tools) readJob(src string) Out {
	var out Out
	out.info("agenda: reading %s …", src)
	agendas := t.cfg.Agendas
	out.Jobs = append(out.Jobs, func(ctx context.Context) Note {
		n := Note{Kind: noteAgenda, Source: src}
		if agendas == nil {
			return n.failed("agenda: no agenda sources")
		}
		items, err := agendas.Read(ctx, src)
		if err != nil {
			return n.failed(err.Error())
		}
		n.Items = items
		return n
	})
	return out
}

// forgeJob adds a forge's open issues (/agenda forge).
func (t *Tools) forgeJob(url, label string) Out {
	var out Out
	out.info("agenda: asking %s for its open issues …", url)
	agendas := t.cfg.Agendas
	out.Jobs = append(out.Jobs, func(ctx context.Context) Note {
		n := Note{Kind: noteAgenda, Source: url, Add: true}
		if agendas == nil {
			return n.failed("agenda: no agenda sources")
		}
		items, note, err := agendas.Forge(ctx, url, label)
		if err != nil {
			return n.failed(err.Error())
		}
		n.Items, n.Text = items, note
		return n
	})
	return out
}

// groupJob reads a roster from an account group (/voters group:NAME).
func (t *Tools) groupJob(args []string) Out {
	var out Out
	out.info("voters: asking for the members of %s …", args[0][len("group:"):])
	groups, fold, start := t.cfg.Groups, t.fold, t.start
	out.Jobs = append(out.Jobs, func(ctx context.Context) Note {
		ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		r, err := ParseVoters(ctx, groups, fold, args)
		if err != nil {
			return Note{Kind: noteVoters, Start: start}.failed(err.Error())
		}
		n := rosterNote(r)
		n.Start = start
		return n
	})
	return out
}

// Apply carries out the answer of a Job. record says whether to journal
// it: a failed Job, or the answer for a meeting that has moved on, is
// reported (or dropped) and not kept.
func (t *Tools) Apply(n Note, e Engine) (out Out, record bool) {
	if n.Err != "" {
		kind := Problem
		if n.Kind == noteAgenda {
			kind = AgendaFailed
		}
		if n.Kind == noteAccounts && t.roll != nil && n.Start.Equal(t.start) {
			t.roll.SetAccounts(n.Nick, nil)
		}
		msg := n.Err
		if n.Kind == noteAgenda {
			msg = "agenda: " + strings.TrimPrefix(msg, "agenda: ")
		}
		out.Reports = append(out.Reports, Report{Kind: kind, Text: msg})
		return out, false
	}
	out, err := t.apply(n, e, true)
	if err != nil {
		if !errors.Is(err, errStale) {
			out.problem(err.Error())
		}
		return out, false
	}
	return out, true
}

// Replay applies a journalled note to a resumed meeting's tools: their
// state only, nothing is said or reported again.
func (t *Tools) Replay(ev meeting.Note, e Engine) error {
	n, err := NoteOf(ev)
	if err != nil {
		return err
	}
	_, err = t.apply(n, e, false)
	if errors.Is(err, errStale) {
		return nil
	}
	return err
}

// errStale is the answer for a meeting that is no longer the one followed.
var errStale = errors.New("chair: the answer is for an earlier meeting")

// apply carries out a note. live is false for a journalled note applied
// again (nothing is said).
func (t *Tools) apply(n Note, e Engine, live bool) (Out, error) {
	var out Out
	out.Changed = true
	n.Items = validItems(n.Items) // a journal read back is input like any other
	switch n.Kind {
	case noteAgenda:
		if n.Add && t.agenda != nil && !t.finished {
			before := t.agenda.Len()
			t.agenda.Append(n.Items)
			out.Reports = append(out.Reports, Report{Kind: AgendaLoaded,
				Text: fmt.Sprintf("agenda: added %s from %s (%s)", plural(t.agenda.Len()-before, "item"), n.Source, n.Text)})
			break
		}
		old := t.agenda
		t.agenda, t.source, t.finished = agenda.New(n.Items), n.Source, false
		if old != nil {
			if o, ok := old.Offered(); ok {
				t.agenda.Offer(&o)
			}
		}
		text := fmt.Sprintf("agenda: %s from %s", plural(t.agenda.Len(), "item"), n.Source)
		if n.Text != "" {
			text += " (" + n.Text + ")"
		}
		out.Reports = append(out.Reports, Report{Kind: AgendaLoaded, Text: text})
	case noteAdd:
		if t.agenda == nil || t.finished {
			t.agenda, t.source, t.finished = agenda.New(nil), "", false
		}
		if t.agenda.Len() >= agenda.MaxItems {
			return Out{}, fmt.Errorf("agenda: the agenda already has %d items", agenda.MaxItems)
		}
		t.agenda.Append(n.Items)
		for _, it := range n.Items {
			out.info("agenda: added %d. %s", t.agenda.Len(), it)
		}
	case noteSkip:
		if t.agenda == nil {
			return Out{}, errors.New("no agenda (/agenda load PATH|URL)")
		}
		it, err := t.agenda.Skip(n.N)
		if err != nil {
			return Out{}, err
		}
		out.info("agenda: skipped %s (kept for the next meeting of this name)", it.Title)
	case noteTake:
		if t.agenda == nil {
			return Out{}, errors.New("nothing is left over from a previous meeting of this name")
		}
		k := t.agenda.AcceptOffer()
		if k == 0 {
			return Out{}, errors.New("nothing is left over from a previous meeting of this name")
		}
		out.info("agenda: %d items left over from %s come first", k, t.offerDate)
	case noteClear:
		t.agenda, t.source, t.finished = nil, "", false
		out.info("agenda cleared")
	case noteNext:
		if t.agenda == nil || t.finished {
			return Out{}, errors.New("no agenda (/agenda load PATH|URL, /agenda forge URL or /agenda add TEXT)")
		}
		_, lines, err := t.agenda.Next()
		if errors.Is(err, agenda.ErrEnd) {
			hint := ""
			if _, ok := t.agenda.Offered(); ok {
				hint = "; /agenda take adds what the last meeting left over"
			}
			return Out{}, errors.New("the agenda has no item left" + hint)
		}
		if err != nil {
			return Out{}, err
		}
		out.Say = lines
	case noteTimebox:
		if n.Box < 0 || n.Box > agenda.MaxTimebox {
			return Out{}, fmt.Errorf("chair: timebox %s is out of range", n.Box)
		}
		if t.ended || !t.timer.Running() {
			return Out{}, errors.New("no topic is timed (a #topic starts the clock)")
		}
		t.timer.SetBox(n.Box)
		if n.Box == 0 {
			out.info("no timebox for %s", t.timer.Topic())
		} else {
			out.info("timebox %s for %s", agenda.FormatTimebox(n.Box), t.timer.Topic())
		}
	case noteNotice:
		t.notice = n.On
		out.info("timebox notice in the channel %s", onOff(t.notice))
	case noteVoters:
		if !n.Start.IsZero() && (!n.Start.Equal(t.start) || t.ended) {
			return Out{}, errStale
		}
		r := Roster{Members: n.Members, Group: n.Group, Source: n.Source, Note: n.Text}
		if _, err := newRoster(t.fold, r.Members); err != nil {
			return Out{}, fmt.Errorf("chair: voters: %w", err)
		}
		t.votes.Roster = r
		switch {
		case r.Note != "":
			out.info("voters: %s", r.Note)
		case r.Group != "" && r.Source != "":
			out.info("voters: the members of %s, answered by %s", r.Group, r.Source)
		}
		out.Say = VotersLines(r, t.votes.Quorum)
	case noteQuorum:
		q := Quorum{N: n.N, Percent: n.Percent}
		if !q.Set() || n.N < 0 || n.N > MaxRoster || n.Percent < 0 || n.Percent > 100 {
			return Out{}, fmt.Errorf("chair: no quorum %d or %d%%", n.N, n.Percent)
		}
		if len(t.votes.Roster.Members) == 0 {
			if q.Percent > 0 {
				return Out{}, errors.New("a quorum in percent needs the voters first (/voters group:NAME or /voters nick…)")
			}
			t.votes.Quorum = q
			out.Say = []string{"#info Quorum: " + q.String()}
			break
		}
		t.votes.Quorum = q
		out.Say = VotersLines(t.votes.Roster, q)
	case noteDone, noteCarry:
		if t.follow == nil {
			return Out{}, errors.New("no action items of an earlier meeting")
		}
		mark := t.follow.Done
		if n.Kind == noteCarry {
			mark = t.follow.Carry
		}
		line, err := mark(n.N)
		if err != nil {
			return Out{}, err
		}
		t.said[n.N], t.seen[n.N] = line, false
		out.Say = []string{line}
	case notePrevious:
		m := e.Meeting()
		if m == nil || !n.Start.Equal(t.start) || n.Name != t.mname {
			return Out{}, errStale // the meeting or its name changed meanwhile
		}
		t.prevGot = meetingKey(m)
		t.previous(n, m.Channel, &out)
	case noteAccounts:
		if t.roll == nil || !n.Start.Equal(t.start) {
			return Out{}, errStale
		}
		t.roll.SetAccounts(n.Nick, n.Members)
	default:
		return Out{}, fmt.Errorf("chair: a note of unknown kind %q", n.Kind)
	}
	if !live {
		return Out{Changed: true}, nil
	}
	return out, nil
}

// previous takes what the previous meeting of the name left: an offer of
// agenda items and the action items to follow up.
func (t *Tools) previous(n Note, channel string, out *Out) {
	if n.OfferErr != "" {
		out.problem("agenda leftovers: " + n.OfferErr)
	}
	if len(n.Items) > 0 {
		if t.agenda == nil || t.finished {
			t.agenda, t.source, t.finished = agenda.New(nil), "", false
		}
		t.agenda.Offer(&agenda.Offer{Key: agenda.Key{Network: t.cfg.Network, Channel: channel, Name: n.Name}, Items: n.Items, SavedAt: n.Saved})
		t.offerDate = n.Saved.In(t.location()).Format("2006-01-02")
		out.info("agenda: %s left over from the meeting %s of %s — /agenda take puts them first",
			plural(len(n.Items), "item"), n.Name, t.offerDate)
	} else if t.agenda != nil {
		t.agenda.Offer(nil)
	}
	if n.FollowErr != "" {
		out.problem("follow-up: " + n.FollowErr)
	}
	t.follow, t.said, t.seen = nil, map[int]string{}, map[int]bool{}
	if len(n.Actions) > 0 {
		t.follow = NewFollowUp(n.Date, n.Actions)
		out.info("follow-up: the meeting %s of %s had %s (Actions pane) — /followup, /done N, /carry N",
			n.Name, t.follow.Date, plural(len(t.follow.Actions()), "action item"))
	}
}

// validItems keeps the items that are what agenda.NewItem makes (one
// clean line of title, an http(s) link or none, a timebox in range), as
// cleaned; at most agenda.MaxItems.
func validItems(items []agenda.Item) []agenda.Item {
	var out []agenda.Item
	for _, it := range items {
		if len(out) == agenda.MaxItems {
			break
		}
		if v, err := agenda.NewItem(it.Title, it.URL, it.Timebox); err == nil {
			out = append(out, v)
		}
	}
	return out
}
