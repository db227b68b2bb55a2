package chair

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gavel/meeting"
	"gavel/meeting/chair/agenda"
)

// Config configures the chair's tools of one connection. Its interfaces
// are the tools' only way to the world (cmd/gavel wires them; package
// chairio implements them); nil ones turn their tools off.
type Config struct {
	// Network names the network in the leftovers' keys (the configured
	// server name).
	Network string
	// Channels are per-channel settings, by channel name.
	Channels map[string]ChannelConfig
	// Agendas reads agendas from files, URLs and forges.
	Agendas AgendaSource
	// Leftovers keeps the items a meeting did not reach for the next
	// meeting of the same name in the same channel.
	Leftovers LeftoverStore
	// Previous finds the previous meeting's action items (the archive).
	Previous PreviousMeetings
	// Groups and Accounts are the backend's lookups (voters of an account
	// group; the accounts of a nick for roll call).
	Groups   GroupLookup
	Accounts AccountLookup
	// Location is where dates shown to the chair are (nil: time.Local).
	Location *time.Location
}

// ChannelConfig is what the configuration sets for one channel.
type ChannelConfig struct {
	// Agenda is loaded when the channel is first seen, like /agenda load:
	// a file or an http(s) URL of a Markdown or plain-text list.
	Agenda string
	// AgendaForge adds the open issues labelled "meeting" of a Pagure
	// project or Forgejo repository, like /agenda forge.
	AgendaForge string
	// TimeboxNotice says in the channel when a timebox runs out (off by
	// default; /timebox notice on|off).
	TimeboxNotice bool
}

// AgendaSource reads agendas.
type AgendaSource interface {
	// Read parses the agenda in a file or at an http(s) URL.
	Read(ctx context.Context, src string) ([]agenda.Item, error)
	// Forge lists a forge project's open issues with a label ("":
	// "meeting") as items, with a note saying what was listed.
	Forge(ctx context.Context, url, label string) (items []agenda.Item, note string, err error)
}

// LeftoverStore keeps what a meeting did not reach.
type LeftoverStore interface {
	// Load returns the leftovers kept under k as an offer (nil: none).
	Load(k agenda.Key) (*agenda.Offer, error)
	// Finish keeps what the meeting did not reach under its final key.
	Finish(final agenda.Key, a *agenda.Agenda, at time.Time) error
}

// PreviousMeetings reads the archive.
type PreviousMeetings interface {
	// PreviousActions returns the date (YYYY-MM-DD) and action items of
	// the last meeting called name in channel before start; ok is false
	// when there was none.
	PreviousActions(ctx context.Context, channel, name string, start time.Time) (date string, actions []string, ok bool, err error)
}

// Engine is what the tools read of the channel's engine after each
// event; *meeting.Engine satisfies it.
type Engine interface {
	Meeting() *meeting.Meeting
	Vote() *meeting.Vote
}

// Job is I/O the tools need (an agenda read, a lookup), run off the
// driver's goroutine; its note comes back through Tools.Apply.
type Job func(ctx context.Context) Note

// ReportKind says what a Report is.
type ReportKind int

// The reports.
const (
	Info         ReportKind = iota // Text for the chair's screen
	Problem                        // Text: something the chair asked for failed
	AgendaLoaded                   // Text: an agenda was read
	AgendaFailed                   // Text: an agenda could not be read
	TimeboxOver                    // Text: the current topic's timebox ran out
	VoteEnded                      // Result: a vote ended
)

// Report is something the tools tell the chair.
type Report struct {
	Kind   ReportKind
	Text   string
	Result *Result // VoteEnded
}

// Out is what the tools did with an event, a command or a note.
type Out struct {
	Say     []string // lines to say in the channel, in order
	Reports []Report
	Jobs    []Job
	Changed bool // their state changed (the panes are drawn again)
}

func (o *Out) info(format string, args ...any) {
	o.Reports = append(o.Reports, Report{Kind: Info, Text: fmt.Sprintf(format, args...)})
}

func (o *Out) problem(text string) { o.Reports = append(o.Reports, Report{Kind: Problem, Text: text}) }

// Tools is the chair's tools of one channel.
type Tools struct {
	cfg     *Config
	channel string
	fold    Fold
	notice  bool

	agenda *agenda.Agenda
	source string // where the agenda came from
	// finished: the agenda's meeting ended (its leftovers are kept); the
	// next meeting starts without it.
	finished  bool
	offerDate string
	loaded    bool // the configured agenda was asked for

	// The meeting followed, as its engine reported it last.
	start     time.Time
	mname     string
	ended     bool
	topicLine int // the log line of the current #topic (0: none)
	topic     string
	prevAsked string // the meeting (start and name) the previous one was asked for
	prevGot   string // ... and answered for

	timer  Timer
	follow *FollowUp
	// said is what /done and /carry said per action number; seen marks
	// those the meeting recorded (an #undo that removes one reopens it).
	said     map[int]string
	seen     map[int]bool
	votes    Votes
	vote     *meeting.Vote     // the engine's running vote, as last seen
	last     *Result           // the last vote's result, shown until the next topic
	accounts map[string]string // folded nick -> services account (account tag)
	roll     *RollCall
}

// New returns the tools of a channel.
func New(cfg *Config, channel string, fold Fold) *Tools {
	if cfg == nil {
		cfg = &Config{}
	}
	t := &Tools{cfg: cfg, channel: channel, fold: fold, accounts: map[string]string{}}
	t.votes.Fold = fold
	t.notice = t.config().TimeboxNotice
	return t
}

// config is the channel's configuration.
func (t *Tools) config() ChannelConfig {
	for name, c := range t.cfg.Channels {
		if t.fold.of(name) == t.fold.of(t.channel) {
			return c
		}
	}
	return ChannelConfig{}
}

func (t *Tools) location() *time.Location {
	if t.cfg.Location != nil {
		return t.cfg.Location
	}
	return time.Local
}

// Agenda is the channel's agenda (nil: none) and where it came from.
func (t *Tools) Agenda() (a *agenda.Agenda, source string) { return t.agenda, t.source }

// AgendaEnded reports that the agenda's meeting ended (the agenda is
// shown as ended until the next meeting).
func (t *Tools) AgendaEnded() bool { return t.finished }

// OfferDate is the date of the meeting whose leftovers are offered.
func (t *Tools) OfferDate() string { return t.offerDate }

// Running reports whether the tools follow a running meeting.
func (t *Tools) Running() bool { return !t.start.IsZero() && !t.ended }

// Clock is the current topic's clock at now (ok false: none is timed).
func (t *Tools) Clock(now time.Time) (Clock, bool) {
	if t.ended {
		return Clock{}, false
	}
	return t.timer.Clock(now)
}

// TimeboxNotice reports whether the channel is told when a timebox runs out.
func (t *Tools) TimeboxNotice() bool { return t.notice }

// FollowUp is the previous meeting's actions (nil: none).
func (t *Tools) FollowUp() *FollowUp { return t.follow }

// RollCall is the roll call under way (nil: none).
func (t *Tools) RollCall() *RollCall {
	if t.ended {
		return nil
	}
	return t.roll
}

// Electorate is the roster and the quorum.
func (t *Tools) Electorate() (Roster, Quorum) { return t.votes.Roster, t.votes.Quorum }

// Vote is the running vote's result so far (running true), or the last
// vote's result until the next topic, or nothing.
func (t *Tools) Vote() (r Result, running, ok bool) {
	if t.vote != nil {
		return t.votes.Result(t.vote, t.voterAccounts), true, true
	}
	if t.last != nil {
		return *t.last, false, true
	}
	return Result{}, false, false
}

// voterAccounts are the accounts known for nick: its services account
// and those roll call found.
func (t *Tools) voterAccounts(nick string) []string {
	var out []string
	if a := t.accounts[t.fold.of(nick)]; a != "" {
		out = append(out, a)
	}
	if t.roll != nil {
		out = append(out, t.roll.Accounts(nick)...)
	}
	return out
}

// Start is what the tools want once the channel's journal is read: the
// configured agenda when none came back from the journal, and the
// lookups a killed process left unanswered.
func (t *Tools) Start(e Engine) Out {
	var out Out
	if !t.loaded {
		t.loaded = true
		if c := t.config(); t.agenda == nil && (c.Agenda != "" || c.AgendaForge != "") {
			out.Jobs = append(out.Jobs, t.readConfigured(c))
		}
	}
	if m := e.Meeting(); m != nil && t.Running() {
		if t.prevAsked != "" && t.prevAsked != t.prevGot {
			out.Jobs = append(out.Jobs, t.lookUpPrevious(m))
		}
		if t.roll != nil {
			out.Jobs = append(out.Jobs, t.lookUpAccounts(t.roll.Unanswered())...)
		}
	}
	return out
}

// readConfigured reads the agenda the configuration names.
func (t *Tools) readConfigured(c ChannelConfig) Job {
	src := t.cfg.Agendas
	return func(ctx context.Context) Note {
		n := Note{Kind: noteAgenda}
		if src == nil {
			return n.failed("agenda: no agenda sources")
		}
		var sources, notes []string
		if c.Agenda != "" {
			items, err := src.Read(ctx, c.Agenda)
			if err != nil {
				n.Source = c.Agenda
				return n.failed(err.Error())
			}
			n.Items, sources = items, append(sources, c.Agenda)
		}
		if c.AgendaForge != "" {
			items, note, err := src.Forge(ctx, c.AgendaForge, "")
			if err != nil {
				n.Source = c.AgendaForge
				return n.failed(err.Error())
			}
			n.Items, sources, notes = append(n.Items, items...), append(sources, c.AgendaForge), append(notes, note)
		}
		n.Source, n.Text = strings.Join(sources, " + "), strings.Join(notes, "; ")
		return n
	}
}

// Saw follows one event the channel's engine has just handled: the
// meeting as the engine now stands (a new meeting, a new name, a new
// topic and its timebox, roll call, the end), the engine's vote, and the
// line said (roll call, accounts).
func (t *Tools) Saw(ev meeting.Event, e Engine) Out {
	var out Out
	m := e.Meeting()
	if m == nil {
		return out
	}
	t.sync(m, &out)
	switch ev := ev.(type) {
	case meeting.Message:
		t.line(ev, m, &out)
	case meeting.NickChange:
		if a, ok := t.accounts[t.fold.of(ev.Old)]; ok {
			t.accounts[t.fold.of(ev.New)] = a
		}
		if t.vote != nil {
			t.votes.Rename(ev.Old, ev.New)
		}
		if t.roll != nil {
			t.roll.Rename(ev.Old, ev.New)
		}
	}
	t.followVote(e.Vote(), &out)
	return out
}

// followVote follows the engine's vote: a new one, or the end of one.
func (t *Tools) followVote(v *meeting.Vote, out *Out) {
	if v == t.vote {
		if v != nil {
			out.Changed = true // a ballot, perhaps
		}
		return
	}
	if old := t.vote; old != nil {
		r := t.votes.Result(old, t.voterAccounts)
		t.last = &r
		out.Reports = append(out.Reports, Report{Kind: VoteEnded, Text: voteText(r), Result: &r})
	}
	t.vote = v
	if v != nil {
		t.last = nil
		t.votes.Restart()
	}
	out.Changed = true
}

// voteText says a vote's end in one line: the tally, the quorum's verdict
// and who did not vote.
func voteText(r Result) string {
	return strings.Join(append([]string{r.Tally()}, r.Verdict()...), " · ")
}

// lastTopic is the meeting's current #topic item.
func lastTopic(mt *meeting.Meeting) (meeting.Item, bool) {
	for i := len(mt.Items) - 1; i >= 0; i-- {
		if mt.Items[i].Kind == meeting.KindTopic {
			return mt.Items[i], true
		}
	}
	return meeting.Item{}, false
}

func meetingKey(m *meeting.Meeting) string { return m.Start.Format(time.RFC3339Nano) + " " + m.Name }

// sync follows the meeting: a new meeting (or a resumed one) resets the
// tools and looks up what the previous meeting of its name left; a new
// name looks again; a new topic starts its timebox (the agenda item's,
// when the topic is one) and, for "Roll call", a roll call; the end keeps
// the agenda items not reached.
func (t *Tools) sync(m *meeting.Meeting, out *Out) {
	if !m.Start.Equal(t.start) {
		out.Changed = true
		t.start, t.mname, t.ended = m.Start, m.Name, m.Ended()
		t.topicLine, t.topic = 0, ""
		t.timer, t.follow, t.last, t.roll, t.vote = Timer{}, nil, nil, nil, nil
		t.said, t.seen = map[int]string{}, map[int]bool{}
		t.votes, t.accounts = Votes{Fold: t.fold}, map[string]string{}
		if t.finished {
			t.agenda, t.source, t.finished = nil, "", false
		}
		if t.ended {
			return // a meeting that ended before we saw it
		}
		out.Jobs = append(out.Jobs, t.lookUpPrevious(m))
	} else if m.Name != t.mname && !t.ended {
		out.Changed = true
		t.mname = m.Name
		out.Jobs = append(out.Jobs, t.lookUpPrevious(m))
	}
	if t.ended {
		return
	}
	if it, ok := lastTopic(m); ok && (it.Line != t.topicLine || it.Text != t.topic) {
		out.Changed = true
		t.topicLine, t.topic, t.last = it.Line, it.Text, nil
		box := time.Duration(0)
		if a := t.agenda; a != nil && !t.finished {
			if e, ok := a.TopicSet(it.Text); ok {
				box = e.Timebox
			}
		}
		t.timer.Start(it.Text, box, it.Time)
		if strings.EqualFold(it.Text, strings.TrimPrefix(RollCallTopic, "#topic ")) {
			t.roll = NewRollCall(it.Time, t.fold)
		}
	}
	if t.followUndone(m) {
		out.Changed = true
	}
	if m.Ended() {
		out.Changed = true
		t.ended = true
		t.timer.Stop()
		t.keepLeftovers(m, out)
	}
}

// followUndone reopens the previous meeting's actions whose "#info done:"
// or "#action" line the meeting recorded and no longer has (#undo); it
// reports whether one was reopened.
func (t *Tools) followUndone(m *meeting.Meeting) bool {
	if t.follow == nil {
		return false
	}
	changed := false
	for n, line := range t.said {
		kind, text := meeting.KindInfo, strings.TrimPrefix(line, "#info ")
		if x, ok := strings.CutPrefix(line, "#action "); ok {
			kind, text = meeting.KindAction, x
		}
		found := false
		for _, it := range m.Items {
			if it.Kind == kind && strings.TrimSpace(it.Text) == strings.TrimSpace(text) {
				found = true
				break
			}
		}
		switch {
		case found:
			t.seen[n] = true
		case t.seen[n]:
			t.follow.Reopen(n)
			delete(t.said, n)
			delete(t.seen, n)
			changed = true
		}
	}
	return changed
}

// lookUpPrevious asks for the agenda items the last meeting of this name
// in this channel did not reach, and its action items.
func (t *Tools) lookUpPrevious(m *meeting.Meeting) Job {
	store, prev := t.cfg.Leftovers, t.cfg.Previous
	key := agenda.Key{Network: t.cfg.Network, Channel: m.Channel, Name: m.Name}
	start := m.Start
	t.prevAsked = meetingKey(m)
	return func(ctx context.Context) Note {
		n := Note{Kind: notePrevious, Name: key.Name, Start: start}
		if store != nil {
			o, err := store.Load(key)
			if err != nil {
				n.OfferErr = err.Error()
			} else if o != nil {
				n.Items, n.Saved = o.Items, o.SavedAt
			}
		}
		if prev != nil {
			ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			date, actions, ok, err := prev.PreviousActions(ctx, key.Channel, key.Name, start)
			switch {
			case err != nil:
				n.FollowErr = err.Error()
			case ok && len(actions) > 0:
				n.Date, n.Actions = date, actions
			}
		}
		return n
	}
}

// keepLeftovers keeps the agenda items the meeting did not reach (and an
// offer of leftovers it did not take), under its final name.
func (t *Tools) keepLeftovers(m *meeting.Meeting, out *Out) {
	a := t.agenda
	if a == nil || t.finished {
		return
	}
	t.finished = true
	store := t.cfg.Leftovers
	if store == nil {
		if n := len(a.Leftovers()); n > 0 {
			out.info("agenda: %s not reached (no state directory to keep them in)", plural(n, "item"))
		}
		return
	}
	key := agenda.Key{Network: t.cfg.Network, Channel: m.Channel, Name: m.Name}
	if err := store.Finish(key, a, m.End); err != nil {
		out.problem("agenda: " + strings.TrimPrefix(err.Error(), "agenda: "))
		return
	}
	if o, err := store.Load(key); err == nil && o != nil {
		out.info("agenda: kept %s not reached for the next meeting %s here", plural(len(o.Items), "item"), m.Name)
	}
}

// line follows a line said in the channel: roll call marks who spoke,
// the account tag is remembered for the votes, and a timebox notice said
// before is not said again.
func (t *Tools) line(ev meeting.Message, m *meeting.Meeting, out *Out) {
	if t.ended || ev.Time.Before(m.Start) || m.Ended() && ev.Time.After(m.End) {
		return
	}
	if ev.Account != "" {
		t.accounts[t.fold.of(ev.Nick)] = ev.Account
	}
	if !ev.Action {
		t.timer.Heard(meeting.StripFormatting(ev.Text))
	}
	if r := t.roll; r != nil && r.Spoke(ev.Nick, ev.Time) {
		out.Changed = true
		out.Jobs = append(out.Jobs, t.lookUpAccounts(r.ToLookUp())...)
	}
}

// lookUpAccounts asks for the accounts of nicks the roll call marked.
func (t *Tools) lookUpAccounts(nicks []string) []Job {
	lookup := t.cfg.Accounts
	if lookup == nil || t.roll == nil {
		return nil
	}
	var jobs []Job
	start := t.start
	for _, nick := range nicks {
		jobs = append(jobs, func(ctx context.Context) Note {
			ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
			defer cancel()
			n := Note{Kind: noteAccounts, Nick: nick, Start: start}
			accounts, err := lookup.Accounts(ctx, nick)
			if err != nil {
				return n.failed("roll call: accounts of " + nick + ": " + err.Error())
			}
			n.Members = append([]string{}, accounts...)
			return n
		})
	}
	return jobs
}

// Tick runs on the presenter's clock: the report, and the optional
// channel notice, when a timebox runs out.
func (t *Tools) Tick(now time.Time) Out {
	var out Out
	if t.ended || !t.timer.Running() {
		return out
	}
	if t.timer.Overdue(now) {
		c, _ := t.timer.Clock(now)
		out.Changed = true
		out.Reports = append(out.Reports, Report{Kind: TimeboxOver, Text: fmt.Sprintf("timebox over: %s (%s)", t.timer.Topic(), c.Text)})
	}
	if t.notice {
		if notice, ok := t.timer.Expired(now); ok {
			out.Say = append(out.Say, notice)
		}
	}
	return out
}

// plural is "1 item", "2 items".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
