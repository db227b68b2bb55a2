// Package live is the live driver of the meeting engine, beside
// meeting/replay (the offline one): IRC events in, through each channel's
// meeting engine, effects out to the IRC connection, the journal and the
// archive. It has no Bubble Tea in it; the console's root model and the
// headless runner feed it the same way, so there is one code path for live
// meetings.
//
// For every batch of events the controller appends each event of a running
// meeting to the channel's journal, syncs the journal once, and only then
// carries out the effects: a meeting killed at any point is resumed from
// its journal with nothing lost.
package live

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
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

// Optional abilities of a Network, used when present.
type (
	capChecker interface {
		HasCap(name string) bool
		Nick() string
	}
)

// Config configures a Controller.
type Config struct {
	Style        meeting.Style
	Archive      *publish.Archive // nil: minutes are not written
	JournalDir   string           // "": no journal (no crash safety)
	BindAccounts bool
	URLPrefix    string
	Network      Network // nil: offline, effects that need IRC are dropped
	Logger       *slog.Logger
	// LookupPrefix marks channel lines that ask for a lookup (".fas x");
	// "" disables them.
	LookupPrefix string
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
	UpdateResumed                         // a meeting was resumed from its journal
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
	cfg      Config
	log      *slog.Logger
	channels map[string]*channel // by lower-cased name
}

// channel is one channel's engine and its files.
type channel struct {
	name    string
	engine  *meeting.Engine
	journal *journal.Journal
	session *publish.Session
	// resumedAt is the time of the last journalled event when the meeting
	// was resumed; the first live event after it reports the gap.
	resumedAt time.Time
}

// pending is an effect waiting for the journal sync of its batch.
type pending struct {
	ch  *channel
	eff meeting.Effect
}

// New returns a controller.
func New(cfg Config) (*Controller, error) {
	if cfg.GapThreshold == 0 {
		cfg.GapThreshold = time.Second
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.JournalDir != "" {
		if err := os.MkdirAll(cfg.JournalDir, 0o700); err != nil {
			return nil, fmt.Errorf("journal %s: %w", cfg.JournalDir, err)
		}
	}
	return &Controller{cfg: cfg, log: log, channels: map[string]*channel{}}, nil
}

// Meeting returns the running (or last) meeting of a channel, or nil.
func (c *Controller) Meeting(name string) *meeting.Meeting {
	if ch := c.channels[strings.ToLower(name)]; ch != nil {
		return ch.engine.Meeting()
	}
	return nil
}

// channel returns the state of a channel, creating it — and resuming its
// meeting from the journal — on first use.
func (c *Controller) channel(name string) (*channel, []Update) {
	key := strings.ToLower(name)
	if ch := c.channels[key]; ch != nil {
		return ch, nil
	}
	ch := &channel{name: name, engine: meeting.NewEngine(meeting.Options{
		Style: c.cfg.Style, Channel: name, URLPrefix: c.cfg.URLPrefix, BindAccounts: c.cfg.BindAccounts,
	})}
	c.channels[key] = ch
	if c.cfg.JournalDir == "" {
		return ch, nil
	}
	j, events, err := journal.Open(journal.Path(c.cfg.JournalDir, name))
	if err != nil {
		return ch, []Update{{Kind: UpdateError, Channel: name, Err: err}}
	}
	ch.journal = j
	if len(events) == 0 {
		return ch, nil
	}
	ups := c.resume(ch, events)
	return ch, ups
}

// resume replays a journal into a fresh engine. Log lines stream into a new
// publishing session; replies and topics are not sent again.
func (c *Controller) resume(ch *channel, events []meeting.Event) []Update {
	var ups []Update
	for _, ev := range events {
		for _, eff := range ch.engine.Handle(ev) {
			if eff.Kind == meeting.EffectLog {
				if err := c.logLine(ch, eff.Line); err != nil {
					ups = append(ups, Update{Kind: UpdateError, Channel: ch.name, Err: err})
				}
			}
		}
	}
	if !ch.engine.Active() {
		// The journal ended with #endmeeting but publishing had failed:
		// publish now.
		if m := ch.engine.Meeting(); m != nil && ch.session != nil {
			ups = append(ups, c.finish(ch, m)...)
		}
		return ups
	}
	ch.resumedAt = events[len(events)-1].When()
	m := ch.engine.Meeting()
	c.log.Info("meeting resumed from journal", "channel", ch.name, "events", len(events), "lines", m.LineCount)
	return append(ups, Update{Kind: UpdateResumed, Channel: ch.name,
		Text: fmt.Sprintf("resumed meeting %q from its journal: %d lines", m.Name, m.LineCount)})
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
	var todo []pending
	for _, ev := range events {
		if u, ok := topicRefused(ev); ok {
			ups = append(ups, u)
			continue
		}
		for _, ce := range c.translate(ev) {
			ch, u := c.channel(ce.channel)
			ups = append(ups, u...)
			ups, todo = c.feed(ch, ce.event, ups, todo)
		}
	}
	return c.carryOut(ups, todo)
}

// HandleEvent feeds a meeting event from another source, such as the
// offline demo's log.
func (c *Controller) HandleEvent(name string, ev meeting.Event) []Update {
	ch, ups := c.channel(name)
	ups, todo := c.feed(ch, ev, ups, nil)
	return c.carryOut(ups, todo)
}

// Say sends text to a channel as the chair typed it. Without IRCv3
// echo-message the server will not send it back, so the controller feeds
// the line to the engine itself.
func (c *Controller) Say(name, text string) []Update {
	net := c.cfg.Network
	if net == nil {
		return []Update{{Kind: UpdateError, Channel: name, Err: errors.New("offline: nothing is sent")}}
	}
	if err := net.Say(name, text); err != nil {
		return []Update{{Kind: UpdateError, Channel: name, Err: err}}
	}
	if cc, ok := net.(capChecker); ok && !cc.HasCap("echo-message") && strings.HasPrefix(name, "#") {
		return c.HandleEvent(name, meeting.Message{Time: time.Now().UTC(), Nick: cc.Nick(), Text: text})
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
		return c.everyChannel(meeting.NickChange{Time: at, Old: ev.Nick, New: ev.NewNick})
	case ircclient.Quit:
		return c.everyChannel(meeting.Quit{Time: at, Nick: ev.Nick, Reason: ev.Reason})
	}
	return nil
}

// topicRefused turns the server's refusal of a TOPIC into a clear message.
func topicRefused(ev ircclient.Event) (Update, bool) {
	e, ok := ev.(ircclient.Error)
	if !ok || e.Code != "482" || e.Command != "" && e.Command != "TOPIC" {
		return Update{}, false
	}
	return Update{Kind: UpdateError, Channel: e.Window, Err: fmt.Errorf(
		"cannot set the topic of %s: gavel is not a channel operator there (ask for +o, or #lurk to stop setting topics)", e.Window)}, true
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
	if !ch.resumedAt.IsZero() {
		if gap := ev.When().Sub(ch.resumedAt); gap > c.cfg.GapThreshold {
			todo = append(todo, pending{ch, meeting.Effect{Kind: meeting.EffectSay, Text: fmt.Sprintf(
				"gavel was away from %s to %s UTC: lines said then are not in the minutes",
				ch.resumedAt.UTC().Format("15:04:05"), ev.When().UTC().Format("15:04:05"))}})
		}
		ch.resumedAt = time.Time{}
	}
	wasActive := ch.engine.Active()
	effects := ch.engine.Handle(ev)
	if ch.journal != nil && (wasActive || ch.engine.Active()) {
		if err := ch.journal.Append(ev); err != nil {
			ups = append(ups, Update{Kind: UpdateError, Channel: ch.name, Err: err})
		}
	}
	for _, eff := range effects {
		todo = append(todo, pending{ch, eff})
	}
	if len(effects) > 0 {
		ups = append(ups, Update{Kind: UpdateMeeting, Channel: ch.name})
	}
	if m, ok := ev.(meeting.Message); ok && c.cfg.LookupPrefix != "" && !m.Action && strings.HasPrefix(m.Text, c.cfg.LookupPrefix) {
		ups = append(ups, Update{Kind: UpdateLookup, Channel: ch.name, Nick: m.Nick, Text: m.Text})
	}
	return ups, todo
}

// carryOut syncs the journals touched by a batch, then carries out its
// effects in order.
func (c *Controller) carryOut(ups []Update, todo []pending) []Update {
	synced := map[*channel]bool{}
	for _, p := range todo {
		if p.ch.journal != nil && !synced[p.ch] {
			synced[p.ch] = true
			if err := p.ch.journal.Sync(); err != nil {
				ups = append(ups, Update{Kind: UpdateError, Channel: p.ch.name, Err: err})
			}
		}
	}
	failedEnd, announced := map[*channel]bool{}, map[*channel]bool{}
	for _, p := range todo {
		ch, eff := p.ch, p.eff
		switch eff.Kind {
		case meeting.EffectLog:
			if err := c.logLine(ch, eff.Line); err != nil {
				ups = append(ups, Update{Kind: UpdateError, Channel: ch.name, Err: err})
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
		case meeting.EffectSave:
			if ch.session != nil {
				files, err := ch.session.Save(ch.engine.Meeting())
				ups = append(ups, c.published(ch, files, err)...)
			}
		case meeting.EffectEnd:
			u := c.finish(ch, ch.engine.Meeting())
			for _, x := range u {
				if x.Kind == UpdateError {
					failedEnd[ch] = true
				}
			}
			ups = append(ups, u...)
		}
	}
	return ups
}

func (c *Controller) logLine(ch *channel, l meeting.Line) error {
	if c.cfg.Archive == nil {
		return nil
	}
	if ch.session == nil {
		s, err := c.cfg.Archive.Open(ch.engine.Meeting())
		if err != nil {
			return err
		}
		ch.session = s
	}
	return ch.session.Log(l)
}

// finish writes the final files of an ended meeting; on success the journal
// is emptied, on failure both the journal and the partial log are kept.
func (c *Controller) finish(ch *channel, m *meeting.Meeting) []Update {
	if ch.session == nil {
		if ch.journal != nil {
			ch.journal.Reset()
		}
		return nil
	}
	files, err := ch.session.Finish(m)
	ups := c.published(ch, files, err)
	if err != nil {
		return ups
	}
	ch.session = nil
	if ch.journal != nil {
		if err := ch.journal.Reset(); err != nil {
			ups = append(ups, Update{Kind: UpdateError, Channel: ch.name, Err: err})
		}
	}
	return ups
}

// Publish retries writing the minutes of a channel's meeting (the
// console's /publish): the running meeting as it stands, or an ended one
// whose files could not be written.
func (c *Controller) Publish(name string) []Update {
	ch := c.channels[strings.ToLower(name)]
	if ch == nil || ch.engine.Meeting() == nil || ch.session == nil {
		return []Update{{Kind: UpdateError, Channel: name, Err: fmt.Errorf("no meeting to publish in %s", name)}}
	}
	if ch.engine.Active() {
		files, err := ch.session.Save(ch.engine.Meeting())
		return c.published(ch, files, err)
	}
	return c.finish(ch, ch.engine.Meeting())
}

func (c *Controller) published(ch *channel, files []publish.File, err error) []Update {
	var ups []Update
	if len(files) > 0 {
		ups = append(ups, Update{Kind: UpdatePublished, Channel: ch.name, Files: files})
	}
	if err != nil {
		c.log.Error("publishing minutes failed", "channel", ch.name, "err", err)
		ups = append(ups, Update{Kind: UpdateError, Channel: ch.name, Err: err})
	}
	return ups
}

func (c *Controller) send(ch *channel, text string) []Update {
	ups := []Update{{Kind: UpdateSaid, Channel: ch.name, Text: text}}
	if c.cfg.Network == nil {
		return ups
	}
	if err := c.cfg.Network.Say(ch.name, text); err != nil {
		return append(ups, Update{Kind: UpdateError, Channel: ch.name, Err: err})
	}
	if cc, ok := c.cfg.Network.(capChecker); ok && !cc.HasCap("echo-message") {
		// No echo will come: log our own line as the channel saw it.
		ups2, todo := c.feed(ch, meeting.Message{Time: time.Now().UTC(), Nick: cc.Nick(), Text: text}, nil, nil)
		ups = append(ups, c.carryOut(ups2, todo)...)
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
