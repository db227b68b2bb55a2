// Package live is the live driver of the meeting engine, beside
// meeting/replay (the offline one): IRC events in, through each joined
// channel's meeting engine, effects out to the IRC connection, the journal,
// the archive and the message bus. It has no Bubble Tea in it; the console's
// root model and the headless runner feed it the same way, so there is one
// code path for live meetings.
//
// For every batch of events the controller appends each event of a running
// meeting to the channel's journal, syncs the journal once, and only then
// carries out the effects: a meeting killed at any point is resumed from
// its journal with nothing lost. When the journal cannot be written the
// meeting goes on (its records wait in memory and are written as soon as
// the disk takes them), and an UpdateJournal says it is not crash-safe
// until then.
//
// Only lines the channel really saw now are fed to an engine: our own
// lines come from ircclient's one event for each line sent (the
// controller never feeds them itself), history a server or bouncer plays
// back is never fed, and only channels gavel has joined get an engine.
package live

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"gavel/ircclient"
	"gavel/meeting"
	"gavel/meeting/journal"
	"gavel/meeting/publish"
)

// Network is what the controller needs of the IRC connection.
// *ircclient.Client satisfies it.
type Network interface {
	Say(target, text string) error
	SetTopic(channel, topic string) error
}

// answerer is a Network with a lane for lookup answers that gives way to
// the chair and the meeting (*ircclient.Client's Answer).
type answerer interface {
	Answer(target, key, asker string, lines []string) error
}

// Bus tells the rest of the world about meetings (meeting/bus implements
// it over AMQP). The live controller calls it; replay never does.
type Bus interface {
	// MeetingStarted is called once the #startmeeting event is journalled,
	// before the meeting's first reply is sent.
	MeetingStarted(channel string, m *meeting.Meeting) error
	// MeetingCompleted is called after the minutes of #endmeeting are
	// published (files are every file written).
	MeetingCompleted(channel string, m *meeting.Meeting, files []publish.File) error
}

// Lookups decides which channel lines ask for a lookup; *backend.Router
// satisfies it (the router owns the prefix and the commands).
type Lookups interface {
	ChannelCommand(line string) (cmd string, args []string, ok bool)
}

// Config configures a Controller.
type Config struct {
	// Archive is where the minutes are published (nil: they are not
	// written). It owns the style and the URL prefix: with an archive,
	// Style and URLPrefix are the archive's, whatever is set here.
	Archive *publish.Archive
	// Style and URLPrefix are the engines' without an archive (the
	// offline demo).
	Style        meeting.Style
	URLPrefix    string
	JournalDir   string     // "": no journal (no crash safety)
	JournalFS    journal.FS // nil: the operating system's
	BindAccounts bool
	Network      Network // nil: offline, effects that need IRC are dropped
	Bus          Bus     // nil: no message bus
	Logger       *slog.Logger
	// Fold folds channel names as the server compares them
	// (ircclient.Client.Fold); nil folds ASCII letters.
	Fold func(string) string
	// Lookups says which channel lines ask for a lookup (".fas x"); they
	// are reported as UpdateLookup, for the console to run off its
	// goroutine. nil: no channel lookups.
	Lookups Lookups
	// GapThreshold is how long gavel must have been away before it says, on
	// resuming, that lines may be missing. Zero means one second.
	GapThreshold time.Duration
}

// UpdateKind says what changed.
type UpdateKind int

// The updates a controller reports.
const (
	UpdateMeeting   UpdateKind = iota + 1 // a meeting's state changed: re-read Meeting(Channel)
	UpdateSaid                            // the engine said Text in Channel
	UpdatePublished                       // Files were written
	UpdateError                           // Err happened (Channel may be "")
	UpdateLookup                          // Nick asked for a lookup: Text, in Channel
	UpdateResumed                         // a meeting was resumed from its journal (Text says how)
	UpdateStarted                         // a meeting started in Channel (Text: its name)
	UpdateEnded                           // the meeting of Channel ended (Text: its name)
	UpdateJournal                         // the journal of Channel is behind (Err, also sent as an UpdateError) or caught up (Err nil); Text says so
	UpdateQueued                          // Text was queued while disconnected: it goes out on reconnect
)

// Update is one thing the console may want to show.
type Update struct {
	Kind    UpdateKind
	Channel string
	Nick    string
	Text    string
	Files   []publish.File
	Err     error
}

// Controller runs the meetings of every channel of one connection. It is not
// safe for concurrent use: call it from the Bubble Tea Update goroutine.
type Controller struct {
	cfg       Config
	log       *slog.Logger
	fold      func(string) string
	channels  map[string]*channel // by folded name
	spelled   map[string]*channel // by the names they were found under (folding takes the client's lock)
	behind    map[*channel]bool   // channels whose journal has records waiting
	connected bool
	dropped   int // channel events for channels gavel is not in
}

// channel is one channel's engine and its files.
type channel struct {
	name    string
	joined  bool // gavel is in the channel (from our JOIN to our PART or KICK, or a disconnect)
	engine  *meeting.Engine
	journal *journal.Journal // nil without a journal
	writer  *publish.Writer  // nil without an archive
	topic   string           // the channel's topic as last seen
	// resumedAt is the time of the last journalled event when the meeting
	// was resumed; the first live event after it reports the gap.
	resumedAt time.Time
	// replayed holds the journalled lines of a resumed meeting: a
	// playback of them (a bouncer's, not marked as history) is not fed
	// again.
	replayed map[lineKey]bool
	// unpublished are ended meetings whose final files could not be
	// written, retried by Publish.
	unpublished []*ended
	// unlogged are lines of the running meeting's log that wait for the
	// archive to take them (it refused to open the meeting's files).
	unlogged []meeting.Line
	// unsaid are lines for the channel kept until gavel is back in it
	// (the URLs of minutes written after a restart).
	unsaid      []string
	journalSaid bool // the chair was told the journal is behind
}

// ended is a meeting whose minutes could not be written.
type ended struct {
	session *publish.Session
	journal *journal.Journal // its own, detached journal (nil without one)
	// Without a session: the meeting, and its log's lines, which the
	// archive never took.
	meeting  *meeting.Meeting
	unlogged []meeting.Line
	quiet    bool // the channel hears of this attempt from the meeting's end
}

type lineKey struct {
	at         int64
	nick, text string
}

// pending is an effect waiting for the journal sync of its batch; started
// marks the start of a meeting instead (the bus is told).
type pending struct {
	ch      *channel
	eff     meeting.Effect
	started bool
}

// New returns a controller.
func New(cfg Config) (*Controller, error) {
	if cfg.Archive != nil {
		cfg.Style, cfg.URLPrefix = cfg.Archive.Style, cfg.Archive.URLPrefix
	}
	if cfg.GapThreshold == 0 {
		cfg.GapThreshold = time.Second
	}
	if cfg.JournalFS == nil {
		cfg.JournalFS = journal.OS
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.JournalDir != "" {
		if err := cfg.JournalFS.MkdirAll(cfg.JournalDir, 0o700); err != nil {
			// Not fatal: every journal says it cannot be written, and
			// catches up once it can.
			log.Error("journal directory", "dir", cfg.JournalDir, "err", err)
		}
	}
	fold := cfg.Fold
	if fold == nil {
		fold = asciiLower
	}
	return &Controller{cfg: cfg, log: log, fold: fold, channels: map[string]*channel{}, spelled: map[string]*channel{},
		behind: map[*channel]bool{}}, nil
}

// find returns the channel of a name, or nil.
func (c *Controller) find(name string) *channel {
	if ch := c.spelled[name]; ch != nil {
		return ch
	}
	ch := c.channels[c.fold(name)]
	if ch != nil {
		c.spelled[name] = ch
	}
	return ch
}

func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(s) // rare: names are mostly lower-case
		}
	}
	return s
}

// Meeting returns the running (or last) meeting of a channel, or nil.
func (c *Controller) Meeting(name string) *meeting.Meeting {
	if ch := c.find(name); ch != nil {
		return ch.engine.Meeting()
	}
	return nil
}

// Connected reports whether the connection is up (registered). While it is
// not, lines said wait in ircclient's queue (see UpdateQueued).
func (c *Controller) Connected() bool { return c.connected }

// Unjournalled is the number of events of a channel's meeting that are not
// yet safe in its journal (0: the meeting is crash-safe).
func (c *Controller) Unjournalled(name string) int {
	if ch := c.find(name); ch != nil && ch.journal != nil {
		return ch.journal.Pending()
	}
	return 0
}

// channel returns the state of a channel, creating it — and resuming its
// meetings from the journal — on first use.
func (c *Controller) channel(name string) (*channel, []Update) {
	key := c.fold(name)
	if ch := c.channels[key]; ch != nil {
		return ch, nil
	}
	ch := &channel{name: name, engine: c.newEngine(name)}
	if c.cfg.Archive != nil {
		ch.writer = c.cfg.Archive.Writer()
		ch.writer.OnSettle = func(m *meeting.Meeting, mname, rel string) { c.journalPath(ch, ch.journal, m, mname, rel) }
	}
	c.channels[key] = ch
	if c.cfg.JournalDir == "" {
		return ch, nil
	}
	var ups []Update
	path := journal.Path(c.cfg.JournalDir, name)
	// Ended meetings whose minutes were never written come first.
	detached, err := journal.Detached(c.cfg.JournalFS, path)
	if err != nil {
		ups = append(ups, c.errorUpdate(ch, err))
	}
	for _, p := range detached {
		ups = append(ups, c.resumeEnded(ch, p)...)
	}
	j, rec, err := journal.OpenChannel(c.cfg.JournalFS, c.cfg.JournalDir, name)
	ch.journal = j
	if err != nil {
		ups = append(ups, c.errorUpdate(ch, err))
	}
	if u, ok := c.damaged(ch, rec); ok {
		ups = append(ups, u)
	}
	if len(rec.Events) > 0 {
		ups = append(ups, c.resume(ch, rec)...)
	}
	return ch, ups
}

// damaged says what a damaged journal lost, and where it is kept.
func (c *Controller) damaged(ch *channel, rec journal.Recovered) (Update, bool) {
	if rec.Unreadable == 0 && rec.KeptAt == "" {
		return Update{}, false
	}
	kept := "it could not be kept aside"
	if rec.KeptAt != "" {
		kept = "the damaged file is kept at " + rec.KeptAt
	}
	return c.errorUpdate(ch, fmt.Errorf("the journal of %s was damaged: %d records could not be read; %s", ch.name, rec.Unreadable, kept)), true
}

func (c *Controller) newEngine(name string) *meeting.Engine {
	return meeting.NewEngine(meeting.Options{
		Style: c.cfg.Style, Channel: name, URLPrefix: c.cfg.URLPrefix, BindAccounts: c.cfg.BindAccounts,
		Fold: c.fold, // the server's CASEMAPPING: chair checks in the default style
	})
}

// replayInto feeds journalled events to a fresh engine, carrying out the
// effects that write the log (replies and topics were sent before; a #save
// is not redone). An ended meeting's final files are left to the caller.
// The meeting's files go where the journal says the archive put them
// before (placed), so that a meeting published again after a crash writes
// over its own files and never makes a second copy.
func (c *Controller) replayInto(ch *channel, e *meeting.Engine, w *publish.Writer, events []meeting.Event, placed []journal.Placed) []Update {
	var ups []Update
	var first *meeting.Meeting
	for i, ev := range events {
		if tc, ok := ev.(meeting.TopicChange); ok {
			ch.topic = tc.Topic
		}
		effects := e.Handle(ev)
		if m := e.Meeting(); first == nil && m != nil {
			first = m
			if m.Paths == nil && len(placed) > 0 {
				m.Paths = map[string]string{}
			}
			for _, p := range placed {
				if _, ok := m.Paths[p.Name]; !ok {
					m.Paths[p.Name] = p.Path
				}
			}
		}
		for _, eff := range effects {
			switch {
			case w == nil:
			case eff.Kind == meeting.EffectLog:
				if _, err := w.Apply(e.Meeting(), eff); err != nil {
					ups = append(ups, c.errorUpdate(ch, err))
				}
			case eff.Kind == meeting.EffectEnd && i < len(events)-1:
				// A journal of gavel before it set failed meetings
				// aside held one and the next: publish the first now.
				files, err := w.Apply(e.Meeting(), eff)
				ups = append(ups, c.published(ch, files, err)...)
				if err != nil {
					s := w.Detach()
					s.OnSettle(nil) // the journal holds the next meeting too
					ch.unpublished = append(ch.unpublished, &ended{session: s})
				}
			}
		}
	}
	return ups
}

// resume replays a channel's journal into its engine.
func (c *Controller) resume(ch *channel, rec journal.Recovered) []Update {
	events := rec.Events
	if spelled := placedChannel(rec.Placed); spelled != "" && spelled != ch.name && ch.engine.Meeting() == nil {
		// The meeting spells its channel as it did when it started
		// (gavel may now have it from the configuration instead of
		// the server): its minutes, if written again, are the same.
		ch.engine = c.newEngine(spelled)
	}
	ups := c.replayInto(ch, ch.engine, ch.writer, events, rec.Placed)
	m := ch.engine.Meeting()
	if m == nil {
		return ups
	}
	if !ch.engine.Active() {
		// The journal ends with #endmeeting but the minutes were not
		// written: write them now.
		return append(ups, c.finish(ch)...)
	}
	ch.resumedAt = events[len(events)-1].When()
	ch.replayed = map[lineKey]bool{}
	for _, ev := range events {
		if msg, ok := ev.(meeting.Message); ok {
			ch.replayed[keyOf(msg)] = true
		}
	}
	text := fmt.Sprintf("resumed meeting %q from its journal: %d lines", m.Name, m.LineCount)
	if rec.Unreadable > 0 {
		text += fmt.Sprintf("; %d journal records could not be read, their lines are missing", rec.Unreadable)
	}
	c.log.Info("meeting resumed from journal", "channel", ch.name, "events", len(events), "lines", m.LineCount, "unreadable", rec.Unreadable)
	return append(ups, Update{Kind: UpdateResumed, Channel: ch.name, Text: text}, Update{Kind: UpdateMeeting, Channel: ch.name})
}

func keyOf(m meeting.Message) lineKey { return lineKey{m.Time.UnixNano(), m.Nick, m.Text} }

// placedChannel is the channel as a journalled meeting spelled it, or "".
func placedChannel(placed []journal.Placed) string {
	for _, p := range placed {
		if p.Channel != "" {
			return p.Channel
		}
	}
	return ""
}

// journalPath records in j (the journal of the meeting m) where the
// archive puts its files under name, synced before any file is written
// there (see publish.SettleFunc). A journal that cannot take it now
// catches up with the channel's other records.
func (c *Controller) journalPath(ch *channel, j *journal.Journal, m *meeting.Meeting, name, rel string) {
	if j == nil {
		return
	}
	if err := j.AppendPath(journal.Placed{Channel: m.Channel, Name: name, Path: rel}); err != nil {
		c.log.Error("journal: recording where the minutes go", "channel", ch.name, "err", err)
		return
	}
	if err := j.Sync(); err != nil {
		c.log.Warn("journal: recording where the minutes go", "channel", ch.name, "err", err)
		if j == ch.journal {
			c.behind[ch] = true
		}
	}
}

// resumeEnded publishes an ended meeting from its detached journal.
func (c *Controller) resumeEnded(ch *channel, path string) []Update {
	j, rec, err := journal.Open(c.cfg.JournalFS, path)
	var ups []Update
	if err != nil {
		ups = append(ups, c.errorUpdate(ch, err))
	}
	if u, ok := c.damaged(ch, rec); ok {
		ups = append(ups, u)
	}
	if len(rec.Events) == 0 {
		if err == nil {
			j.Discard()
		}
		return ups
	}
	var w *publish.Writer
	if c.cfg.Archive != nil {
		w = c.cfg.Archive.Writer()
		w.OnSettle = func(m *meeting.Meeting, name, rel string) { c.journalPath(ch, j, m, name, rel) }
	}
	spelled := placedChannel(rec.Placed)
	if spelled == "" {
		spelled = ch.name
	}
	e := c.newEngine(spelled)
	ups = append(ups, c.replayInto(ch, e, w, rec.Events, rec.Placed)...)
	m := e.Meeting()
	if w == nil || w.Session() == nil || m == nil {
		return ups
	}
	if !m.Ended() {
		m.End = rec.Events[len(rec.Events)-1].When()
	}
	u := &ended{session: w.Detach(), journal: j}
	ch.unpublished = append(ch.unpublished, u)
	return append(ups, c.retry(ch, u)...)
}

// Resume opens the journals of the given channels now (at start-up), so
// that interrupted meetings are back before the first live line.
func (c *Controller) Resume(channels ...string) []Update {
	var ups []Update
	for _, name := range channels {
		_, u := c.channel(name)
		ups = append(ups, u...)
	}
	return ups
}

// HandleIRC feeds one live IRC event.
func (c *Controller) HandleIRC(ev ircclient.Event) []Update {
	return c.HandleIRCBatch([]ircclient.Event{ev})
}

// HandleIRCBatch feeds a burst of IRC events with one journal sync.
func (c *Controller) HandleIRCBatch(events []ircclient.Event) []Update {
	var ups []Update
	todo := make([]pending, 0, len(events))
	for _, ev := range events {
		if historic(ev) {
			// A server's or bouncer's playback: the console shows it;
			// it never runs a meeting.
			continue
		}
		if u, ok := topicRefused(ev); ok {
			ups = append(ups, u)
			continue
		}
		switch ev := ev.(type) {
		case ircclient.State:
			c.state(ev)
			continue
		case ircclient.Join:
			if ev.Self {
				ch, u := c.channel(ev.Channel)
				ch.joined = true
				ups = append(ups, u...)
				ups = append(ups, c.sayUnsaid(ch)...)
			}
		}
		for _, ce := range c.translate(ev) {
			ch := c.find(ce.channel)
			if ch == nil || !ch.joined {
				c.dropped++
				c.log.Debug("event for a channel gavel is not in, dropped", "channel", ce.channel, "dropped", c.dropped)
				continue
			}
			ups, todo = c.feed(ch, ce.event, ups, todo)
		}
		switch ev := ev.(type) {
		case ircclient.Part:
			if ch := c.find(ev.Channel); ch != nil && ev.Self {
				ch.joined = false
				c.away(ch, ev.When())
			}
		case ircclient.Kick:
			if ch := c.find(ev.Channel); ch != nil && ev.KickedSelf {
				ch.joined = false
				c.away(ch, ev.When())
			}
		}
	}
	return c.carryOut(ups, todo)
}

func (c *Controller) state(ev ircclient.State) {
	switch ev.State {
	case ircclient.Registered:
		c.connected = true
	case ircclient.Disconnected, ircclient.Reconnecting, ircclient.Stopped, ircclient.Connecting, ircclient.ConnectFailed:
		c.connected = false
		for _, ch := range c.channels {
			if ch.joined {
				c.away(ch, ev.When())
			}
			ch.joined = false
		}
	}
}

// away marks that gavel left a channel (PART, KICK, a lost connection)
// while its meeting runs: the first event when gavel is back (its JOIN)
// says in the channel, as after a crash, that lines said in between are
// not in the minutes.
func (c *Controller) away(ch *channel, at time.Time) {
	if ch.engine.Active() && ch.resumedAt.IsZero() {
		ch.resumedAt = at
	}
}

// HandleEvent feeds a meeting event from another source, such as the
// offline demo's log.
func (c *Controller) HandleEvent(name string, ev meeting.Event) []Update {
	ch, ups := c.channel(name)
	ups, todo := c.feed(ch, ev, ups, nil)
	return c.carryOut(ups, todo)
}

// Retry writes what the journals hold in memory (the console calls it on
// its clock tick, so that a journal catches up without waiting for the next
// line).
func (c *Controller) Retry() []Update {
	if len(c.behind) == 0 {
		return nil
	}
	return c.carryOut(nil, nil)
}

// Say sends text to a channel as the chair typed it. It only sends: the
// line reaches the engine as the event ircclient emits for every line we
// send (the server's echo-message, or its local echo), like any other line
// of the channel.
func (c *Controller) Say(name, text string) []Update {
	net := c.cfg.Network
	if net == nil {
		return []Update{{Kind: UpdateError, Channel: name, Err: errors.New("offline: nothing is sent")}}
	}
	if err := net.Say(name, text); err != nil {
		return []Update{{Kind: UpdateError, Channel: name, Err: err}}
	}
	if !c.connected {
		return []Update{{Kind: UpdateQueued, Channel: name, Text: text}}
	}
	return nil
}

// Answer sends the answer to a channel lookup (see UpdateLookup): lines,
// unaddressed, for asker; key names the question. Through ircclient it
// goes in the low lane, after every line of the chair and the meeting,
// addressed (and coalesced with the same question asked meanwhile) by the
// client; an asker with too many answers waiting is not answered again.
// The lines reach the log as the channel sees them, like every line sent.
func (c *Controller) Answer(channel, key, asker string, lines []string) []Update {
	net := c.cfg.Network
	if net == nil {
		return []Update{{Kind: UpdateError, Channel: channel, Err: errors.New("offline: nothing is sent")}}
	}
	if a, ok := net.(answerer); ok {
		err := a.Answer(channel, key, asker, lines)
		if errors.Is(err, ircclient.ErrAskerBusy) {
			c.log.Debug("lookup dropped: the asker has answers waiting", "channel", channel, "asker", asker, "key", key)
			return nil
		}
		if err != nil {
			return []Update{{Kind: UpdateError, Channel: channel, Err: err}}
		}
		return nil
	}
	for _, l := range lines {
		if err := net.Say(channel, asker+": "+l); err != nil {
			return []Update{{Kind: UpdateError, Channel: channel, Err: err}}
		}
	}
	return nil
}

// chanEvent is a meeting event for one channel.
type chanEvent struct {
	channel string
	event   meeting.Event
}

// translate turns an IRC event into the meeting events of the channels it
// concerns.
func (c *Controller) translate(ev ircclient.Event) []chanEvent {
	at := ev.When().UTC()
	switch ev := ev.(type) {
	case ircclient.Message:
		if ev.Private || !isChannel(ev.Target) {
			return nil
		}
		return []chanEvent{{ev.Target, meeting.Message{Time: at, Nick: ev.Nick, Account: ev.Account, Text: ev.Text}}}
	case ircclient.Action:
		if ev.Private || !isChannel(ev.Target) {
			return nil
		}
		return []chanEvent{{ev.Target, meeting.Message{Time: at, Nick: ev.Nick, Account: ev.Account, Text: ev.Text, Action: true}}}
	case ircclient.Topic:
		return []chanEvent{{ev.Channel, meeting.TopicChange{Time: at, Nick: ev.Nick, Topic: ev.Text}}}
	case ircclient.Join:
		return []chanEvent{{ev.Channel, meeting.Join{Time: at, Nick: ev.Nick}}}
	case ircclient.Part:
		return []chanEvent{{ev.Channel, meeting.Part{Time: at, Nick: ev.Nick, Reason: ev.Reason}}}
	case ircclient.NickChange:
		nc := meeting.NickChange{Time: at, Old: ev.Nick, New: ev.NewNick}
		if len(ev.Channels) == 0 {
			return c.everyChannel(nc)
		}
		// Only the channels the nick is in: the default style logs the
		// change in their meetings.
		out := make([]chanEvent, 0, len(ev.Channels))
		for _, name := range ev.Channels {
			out = append(out, chanEvent{name, nc})
		}
		return out
	case ircclient.Quit:
		return c.everyChannel(meeting.Quit{Time: at, Nick: ev.Nick, Reason: ev.Reason})
	}
	return nil
}

// ErrNotOperator is wrapped by the error of an UpdateError that says the
// server refused a topic because gavel is not a channel operator; the
// console says it once per meeting.
var ErrNotOperator = errors.New("not a channel operator")

// historic reports a line played back from the past (ircclient's
// Meta.History).
func historic(ev ircclient.Event) bool {
	h, ok := ev.(interface{ PlayedBack() bool })
	return ok && h.PlayedBack()
}

// topicRefused turns the server's refusal of a TOPIC into a clear message.
func topicRefused(ev ircclient.Event) (Update, bool) {
	e, ok := ev.(ircclient.Error)
	if !ok || e.Code != "482" || e.Command != "" && e.Command != "TOPIC" {
		return Update{}, false
	}
	return Update{Kind: UpdateError, Channel: e.Window, Err: fmt.Errorf(
		"cannot set the topic of %s: gavel is %w there (ask for +o, or #lurk to stop setting topics)", e.Window, ErrNotOperator)}, true
}

func (c *Controller) everyChannel(ev meeting.Event) []chanEvent {
	out := make([]chanEvent, 0, len(c.channels))
	for _, ch := range c.channels {
		out = append(out, chanEvent{ch.name, ev})
	}
	return out
}

func isChannel(name string) bool { return name != "" && (name[0] == '#' || name[0] == '&') }

// feed runs one event through a channel's engine, journals it, and queues
// its effects until the journal is synced.
func (c *Controller) feed(ch *channel, ev meeting.Event, ups []Update, todo []pending) ([]Update, []pending) {
	if msg, ok := ev.(meeting.Message); ok && ch.replayed != nil && ch.replayed[keyOf(msg)] {
		c.log.Debug("a journalled line played back again, dropped", "channel", ch.name, "nick", msg.Nick)
		return ups, todo
	}
	if !ch.resumedAt.IsZero() {
		if gap := ev.When().Sub(ch.resumedAt); gap > c.cfg.GapThreshold {
			todo = append(todo, pending{ch: ch, eff: meeting.Effect{Kind: meeting.EffectSay, Text: fmt.Sprintf(
				"gavel was away from %s to %s UTC: lines said then are not in the minutes",
				ch.resumedAt.UTC().Format("15:04:05"), ev.When().UTC().Format("15:04:05"))}})
		}
		ch.resumedAt = time.Time{}
	}
	wasActive := ch.engine.Active()
	effects := ch.engine.Handle(ev)
	started := !wasActive && ch.engine.Active()
	if ch.journal != nil && (wasActive || ch.engine.Active()) {
		if started {
			// The topic from before the meeting, which #endmeeting
			// restores (also after a resume).
			ch.journal.Append(meeting.TopicChange{Time: ev.When(), Topic: ch.topic})
		}
		if err := ch.journal.Append(ev); err != nil {
			ups = append(ups, c.errorUpdate(ch, err))
		}
	}
	if tc, ok := ev.(meeting.TopicChange); ok {
		ch.topic = tc.Topic
	}
	if started {
		todo = append(todo, pending{ch: ch, started: true})
	}
	for _, eff := range effects {
		todo = append(todo, pending{ch: ch, eff: eff})
	}
	if len(effects) > 0 && !(len(ups) > 0 && ups[len(ups)-1].Kind == UpdateMeeting && ups[len(ups)-1].Channel == ch.name) {
		ups = append(ups, Update{Kind: UpdateMeeting, Channel: ch.name}) // once for a burst
	}
	if m, ok := ev.(meeting.Message); ok && c.cfg.Lookups != nil && !m.Action {
		if _, _, ok := c.cfg.Lookups.ChannelCommand(m.Text); ok {
			ups = append(ups, Update{Kind: UpdateLookup, Channel: ch.name, Nick: m.Nick, Text: m.Text})
		}
	}
	return ups, todo
}

// carryOut syncs the journals touched by a batch (and those behind), then
// carries out its effects in order. A journal that cannot be written does
// not hold the effects back: the meeting goes on, and the chair is told it
// is not crash-safe until the journal catches up.
func (c *Controller) carryOut(ups []Update, todo []pending) []Update {
	for _, p := range todo {
		if p.ch.journal != nil && p.ch.journal.Pending() > 0 {
			c.behind[p.ch] = true
		}
	}
	for ch := range c.behind {
		ups = append(ups, c.syncJournal(ch)...)
	}
	failedEnd, announced := map[*channel]bool{}, map[*channel]bool{}
	for _, p := range todo {
		ch, eff := p.ch, p.eff
		if p.started {
			ups = append(ups, Update{Kind: UpdateStarted, Channel: ch.name, Text: ch.engine.Meeting().Name})
			ups = append(ups, c.busStarted(ch)...)
			continue
		}
		switch eff.Kind {
		case meeting.EffectLog, meeting.EffectSave, meeting.EffectRename:
			if ch.writer == nil {
				continue
			}
			if eff.Kind == meeting.EffectLog && (ch.writer.Session() == nil || len(ch.unlogged) > 0) {
				ups = append(ups, c.logLine(ch, eff.Line)...)
				continue
			}
			files, err := ch.writer.Apply(ch.engine.Meeting(), eff)
			if eff.Kind == meeting.EffectSave {
				ups = append(ups, c.published(ch, files, err)...)
			} else if err != nil {
				ups = append(ups, c.errorUpdate(ch, c.explain(err)))
			}
		case meeting.EffectSay:
			if failedEnd[ch] && !strings.HasPrefix(eff.Text, "Meeting ended") {
				// Instead of the URLs of files that were not written:
				if !announced[ch] {
					announced[ch] = true
					ups = append(ups, c.send(ch, "The minutes could not be written; gavel keeps the meeting and will retry on /publish.")...)
				}
				continue
			}
			ups = append(ups, c.send(ch, eff.Text)...)
		case meeting.EffectTopic:
			ups = append(ups, c.topic(ch, eff.Text)...)
		case meeting.EffectEnd:
			ups = append(ups, Update{Kind: UpdateEnded, Channel: ch.name, Text: ch.engine.Meeting().Name})
			u := c.finish(ch)
			for _, x := range u {
				if x.Kind == UpdateError {
					failedEnd[ch] = true
				}
			}
			ups = append(ups, u...)
			ch.replayed = nil
		}
	}
	return ups
}

// syncJournal writes a channel's waiting journal records, saying when the
// journal falls behind and when it has caught up.
func (c *Controller) syncJournal(ch *channel) []Update {
	err := ch.journal.Sync()
	switch {
	case err != nil && ch.journal.Pending() == 0:
		// Nothing of the meeting waits (a removal or a move failed).
		c.log.Debug("journal", "channel", ch.name, "err", err)
		return nil
	case err != nil:
		if ch.journalSaid {
			return nil
		}
		ch.journalSaid = true
		err = fmt.Errorf("%w: the meeting goes on, but is NOT crash-safe until the journal catches up (%d events wait in memory)",
			err, ch.journal.Pending())
		c.log.Error("journal cannot be written", "channel", ch.name, "waiting", ch.journal.Pending(), "err", err)
		return []Update{
			{Kind: UpdateError, Channel: ch.name, Err: err},
			{Kind: UpdateJournal, Channel: ch.name, Err: err, Text: err.Error()},
		}
	}
	delete(c.behind, ch)
	if !ch.journalSaid {
		return nil
	}
	ch.journalSaid = false
	c.log.Info("journal caught up", "channel", ch.name)
	return []Update{{Kind: UpdateJournal, Channel: ch.name, Text: "the journal of " + ch.name + " has caught up: the meeting is crash-safe again"}}
}

// finish writes the final files of an ended meeting; on success its
// journal is emptied and the bus told, on failure the meeting and its
// journal are set aside (nothing is lost) for Publish to retry, and the
// channel's next meeting starts afresh.
func (c *Controller) finish(ch *channel) []Update {
	m := ch.engine.Meeting()
	if ch.writer != nil && len(ch.unlogged) > 0 {
		// The archive never took the meeting's first lines: they wait
		// in memory (and in the journal), to open its files on retry.
		u := &ended{meeting: m, unlogged: ch.unlogged}
		ch.unlogged = nil
		if ch.journal != nil {
			var derr error
			if u.journal, derr = ch.journal.Detach(); derr != nil {
				c.log.Warn("journal: setting an unpublished meeting aside", "channel", ch.name, "err", derr)
			}
		}
		ch.unpublished = append(ch.unpublished, u)
		u.quiet = true // the meeting's end says the URLs, or that they could not be written
		ups := c.retry(ch, u)
		u.quiet = false
		return ups
	}
	if ch.writer == nil || ch.writer.Session() == nil {
		var ups []Update
		if ch.journal != nil {
			if err := ch.journal.Reset(); err != nil {
				ups = append(ups, c.errorUpdate(ch, err))
			}
		}
		return ups
	}
	files, err := ch.writer.Apply(m, meeting.Effect{Kind: meeting.EffectEnd})
	ups := c.published(ch, files, err)
	if err != nil {
		u := &ended{session: ch.writer.Detach()}
		if ch.journal != nil {
			var derr error
			if u.journal, derr = ch.journal.Detach(); derr != nil {
				c.log.Warn("journal: setting an unpublished meeting aside", "channel", ch.name, "err", derr)
			}
		}
		// Paths chosen from now on go to the meeting's own journal.
		u.session.OnSettle(func(m *meeting.Meeting, name, rel string) { c.journalPath(ch, u.journal, m, name, rel) })
		ch.unpublished = append(ch.unpublished, u)
		return ups
	}
	// The bus's outbox has the message on disk before the journal goes: a
	// crash in between resends it with the same id, never loses it.
	ups = append(ups, c.busCompleted(ch, m, files)...)
	if ch.journal != nil {
		if err := ch.journal.Reset(); err != nil {
			ups = append(ups, c.errorUpdate(ch, err))
		}
	}
	return ups
}

// logLine streams a line of the log. When the archive refuses to open the
// meeting's files, the line waits in memory with those before it; the
// first line it takes opens them and writes the waiting lines first, so
// the log never starts late. The chair hears of the first refusal.
func (c *Controller) logLine(ch *channel, line meeting.Line) []Update {
	ch.unlogged = append(ch.unlogged, line)
	return c.flushUnlogged(ch)
}

// flushUnlogged writes the lines waiting for the archive, if it takes them
// now.
func (c *Controller) flushUnlogged(ch *channel) []Update {
	m := ch.engine.Meeting()
	for len(ch.unlogged) > 0 {
		_, err := ch.writer.Apply(m, meeting.Effect{Kind: meeting.EffectLog, Line: ch.unlogged[0]})
		if ch.writer.Session() == nil {
			if len(ch.unlogged) > 1 {
				return nil // said at the first refusal
			}
			return []Update{c.errorUpdate(ch, c.explain(err))}
		}
		ch.unlogged = ch.unlogged[1:]
		if err != nil {
			return []Update{c.errorUpdate(ch, c.explain(err))}
		}
	}
	ch.unlogged = nil
	return nil
}

// explain says what went wrong with the archive, and where.
func (c *Controller) explain(err error) error {
	if c.cfg.Archive == nil {
		return err
	}
	return c.cfg.Archive.Explain(err)
}

// retry writes the final files of an unpublished meeting again.
func (c *Controller) retry(ch *channel, u *ended) []Update {
	if u.session == nil {
		// Its files were never opened: open them with the lines that
		// waited.
		w := c.cfg.Archive.Writer()
		w.OnSettle = func(m *meeting.Meeting, name, rel string) { c.journalPath(ch, u.journal, m, name, rel) }
		for len(u.unlogged) > 0 {
			_, err := w.Apply(u.meeting, meeting.Effect{Kind: meeting.EffectLog, Line: u.unlogged[0]})
			if w.Session() == nil {
				return c.published(ch, nil, err)
			}
			u.unlogged = u.unlogged[1:]
		}
		u.session, u.unlogged = w.Detach(), nil
	}
	m := u.session.Meeting()
	files, err := u.session.Finish(m)
	ups := c.published(ch, files, err)
	if err != nil {
		return ups
	}
	u.session.Close()
	if !u.quiet {
		ups = append(ups, c.announce(ch, files)...)
	}
	ups = append(ups, c.busCompleted(ch, m, files)...)
	if u.journal != nil {
		if err := u.journal.Discard(); err != nil {
			ups = append(ups, c.errorUpdate(ch, err))
		}
	}
	for i, x := range ch.unpublished {
		if x == u {
			ch.unpublished = append(ch.unpublished[:i], ch.unpublished[i+1:]...)
			break
		}
	}
	return ups
}

// announce tells the channel where the minutes of an ended meeting are,
// once they are written after all: when the meeting ended it heard only
// that they could not be (or nothing, if gavel died as it published). Out
// of the channel, the lines wait for gavel's JOIN.
func (c *Controller) announce(ch *channel, files []publish.File) []Update {
	lines := minutesLines(files)
	if len(lines) == 0 {
		return nil
	}
	if !ch.joined {
		ch.unsaid = append(ch.unsaid, lines...)
		return nil
	}
	var ups []Update
	for _, l := range lines {
		ups = append(ups, c.send(ch, l)...)
	}
	return ups
}

// sayUnsaid sends what announce kept for gavel's return to the channel.
func (c *Controller) sayUnsaid(ch *channel) []Update {
	var ups []Update
	for _, l := range ch.unsaid {
		ups = append(ups, c.send(ch, l)...)
	}
	ch.unsaid = nil
	return ups
}

// minutesLines are the lines that give the minutes' URLs, as the meeting's
// end gives them (MeetBot's layout), after a line saying they are written
// now.
func minutesLines(files []publish.File) []string {
	var html, txt, log string
	for _, f := range files {
		switch {
		case strings.HasSuffix(f.URL, ".log.html"):
			log = f.URL
		case strings.HasSuffix(f.URL, ".log.txt"):
		case strings.HasSuffix(f.URL, ".html"):
			html = f.URL
		case strings.HasSuffix(f.URL, ".txt"):
			txt = f.URL
		}
	}
	if html == "" && txt == "" && log == "" {
		return nil
	}
	lines := []string{"The minutes are written now."}
	for _, l := range [][2]string{{"Minutes:        ", html}, {"Minutes (text): ", txt}, {"Log:            ", log}} {
		if l[1] != "" {
			lines = append(lines, l[0]+l[1])
		}
	}
	return lines
}

// Publish writes the minutes of a channel's meetings now (the console's
// /publish): the running meeting's as it stands, and those of ended
// meetings whose files could not be written.
func (c *Controller) Publish(name string) []Update {
	ch := c.find(name)
	var ups []Update
	if ch != nil && ch.writer != nil && len(ch.unlogged) > 0 && ch.engine.Active() {
		if ups = c.flushUnlogged(ch); len(ch.unlogged) > 0 {
			if len(ups) == 0 {
				ups = []Update{{Kind: UpdateError, Channel: name, Err: fmt.Errorf("the archive still refuses the minutes of %s (%d lines wait in memory and in the journal)", name, len(ch.unlogged))}}
			}
			return ups
		}
	}
	if ch == nil || ch.writer == nil || ch.writer.Session() == nil && len(ch.unpublished) == 0 {
		return []Update{{Kind: UpdateError, Channel: name, Err: fmt.Errorf("no meeting to publish in %s", name)}}
	}
	for _, u := range append([]*ended(nil), ch.unpublished...) {
		ups = append(ups, c.retry(ch, u)...)
	}
	if ch.writer.Session() != nil && ch.engine.Active() {
		files, err := ch.writer.Apply(ch.engine.Meeting(), meeting.Effect{Kind: meeting.EffectSave})
		ups = append(ups, c.published(ch, files, err)...)
	}
	return ups
}

func (c *Controller) published(ch *channel, files []publish.File, err error) []Update {
	var ups []Update
	if len(files) > 0 {
		ups = append(ups, Update{Kind: UpdatePublished, Channel: ch.name, Files: files})
	}
	if err != nil {
		c.log.Error("publishing minutes failed", "channel", ch.name, "err", err)
		ups = append(ups, Update{Kind: UpdateError, Channel: ch.name, Err: c.explain(err)})
	}
	return ups
}

func (c *Controller) errorUpdate(ch *channel, err error) Update {
	c.log.Error(err.Error(), "channel", ch.name)
	return Update{Kind: UpdateError, Channel: ch.name, Err: err}
}

// busStarted tells the bus a meeting started (its start is journalled).
func (c *Controller) busStarted(ch *channel) []Update {
	if c.cfg.Bus == nil {
		return nil
	}
	// The channel as the meeting spells it (the same after a resume),
	// which the message's stable id is drawn from.
	m := ch.engine.Meeting()
	if err := c.cfg.Bus.MeetingStarted(m.Channel, m); err != nil {
		return []Update{c.busError(ch, err)}
	}
	return nil
}

func (c *Controller) busCompleted(ch *channel, m *meeting.Meeting, files []publish.File) []Update {
	if c.cfg.Bus == nil {
		return nil
	}
	if err := c.cfg.Bus.MeetingCompleted(m.Channel, m, files); err != nil {
		return []Update{c.busError(ch, err)}
	}
	return nil
}

func (c *Controller) busError(ch *channel, err error) Update {
	return c.errorUpdate(ch, fmt.Errorf("message bus: %w", err))
}

func (c *Controller) send(ch *channel, text string) []Update {
	ups := []Update{{Kind: UpdateSaid, Channel: ch.name, Text: text}}
	if c.cfg.Network == nil {
		return ups
	}
	// The line comes back as ircclient's event for it (echo-message or
	// local echo) and is logged then, as the channel saw it.
	if err := c.cfg.Network.Say(ch.name, text); err != nil {
		return append(ups, Update{Kind: UpdateError, Channel: ch.name, Err: err})
	}
	return ups
}

func (c *Controller) topic(ch *channel, text string) []Update {
	if c.cfg.Network == nil {
		return nil
	}
	if err := c.cfg.Network.SetTopic(ch.name, text); err != nil {
		return []Update{{Kind: UpdateError, Channel: ch.name, Err: err}}
	}
	return nil
}

// Close syncs and closes every journal. Running meetings stay in their
// journals, to be resumed next time.
func (c *Controller) Close() error {
	var errs []error
	for _, ch := range c.channels {
		if ch.journal != nil {
			errs = append(errs, ch.journal.Close())
		}
	}
	return errors.Join(errs...)
}
