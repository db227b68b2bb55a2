// Package live is the live driver of the meeting engine, beside
// meeting/replay (the offline one): a network's events in, through each
// joined channel's meeting engine, effects out to the network, the
// journal, the archive and the message bus. It has no Bubble Tea in it;
// the console's root model and the headless runner feed it the same way,
// so there is one code path for live meetings.
//
// The package defines the one vocabulary between a network and the core
// (event.go: messages, joins, topics, members, connection state…, each
// with the sender's stable identity, the server's time, a message ID and
// whether it is played-back history) and the Network interface a chat
// network implements to produce those events and carry out effects
// (network.go). NewIRC adapts an IRC connection (ircclient) to it
// (ircnet.go): no other file of gavel above the network sees an IRC type.
//
// For every batch of events the controller appends each event of a running
// meeting to the channel's journal, syncs the journal once, and only then
// carries out the effects (effects.go): a meeting killed at any point is
// resumed from its journal with nothing lost (resume.go). When the journal
// cannot be written the meeting goes on (its records wait in memory and
// are written as soon as the disk takes them), and an UpdateJournal says
// it is not crash-safe until then. Ended meetings are published, and
// retried when that fails (finish.go).
//
// Only lines the channel really saw now are fed to an engine (handle.go):
// our own lines come from the network's one event for each line sent (the
// controller never feeds them itself), history a server or bouncer plays
// back is fed only where it fills a running meeting's gap (gap.go), and
// only channels gavel has joined get an engine.
package live

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"gavel/meeting"
	"gavel/meeting/chair"
	"gavel/meeting/journal"
	"gavel/meeting/publish"
)

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

// Lookups decides which channel lines ask for a lookup and answers them;
// *backend.Router satisfies it (the router owns the prefix and the
// commands). ChannelAnswer may wait on the network: the controller calls
// it only from a Task, off its own goroutine.
type Lookups interface {
	ChannelCommand(line string) (cmd string, args []string, ok bool)
	ChannelAnswer(ctx context.Context, nick, line string) (key string, lines []string, ok bool)
}

// Task is slow work of the controller (a channel lookup) that must run off
// its goroutine: run it there, with a context that ends when the program
// does; the function it returns (nil: nothing to do) must then run on the
// controller's goroutine, and its updates be shown like any others. The
// console runs each task as a tea.Cmd; RunTasks runs them in goroutines.
type Task func(ctx context.Context) (done func() []Update)

// LookupTimeout bounds one channel lookup.
const LookupTimeout = 15 * time.Second

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
	Network      Effects // nil: offline, effects that need a network are dropped
	// Replayed says the network replays a log that already holds the
	// bot's replies and topics (the offline demo): the engine's are
	// reported (UpdateSaid) but not sent, so the channel never has them
	// twice. The chair's own lines (Say, Answer) are sent.
	Replayed bool
	Bus      Bus // nil: no message bus
	Logger   *slog.Logger
	// Fold folds channel names as the server compares them; nil: the
	// Network's (Channels.Fold) when it has one, else FoldRFC1459.
	Fold func(string) string
	// Lookups says which channel lines ask for a lookup (".fas x") and
	// answers them; each is reported as an UpdateLookup whose Task looks
	// up and answers in the channel. nil: no channel lookups.
	Lookups Lookups
	// GapThreshold is how long gavel must have been away before it says, on
	// resuming, that lines may be missing. Zero means one second.
	GapThreshold time.Duration
	// Chair configures the chair's tools of every channel (chair.go);
	// nil: none.
	Chair *chair.Config
	// Dialect, when set, is the command dialect of a channel or room
	// (by its name as the network gives it: a Matrix room's alias):
	// meeting.DialectFedora for "!topic", meeting.DialectMeetBot (also
	// when nil) for "#topic". The wiring fills it from the [matrix]
	// configuration, per room.
	Dialect func(channel string) meeting.Dialect
	// Moderator, when set, reports whether a member of a channel may
	// chair by their standing there (nick and stable identity, the
	// Matrix user ID); see meeting.Options.Moderator. PowerLevelChairs
	// makes it from a Matrix network's power levels.
	Moderator func(channel, nick, id string) bool
}

// UpdateKind says what changed.
type UpdateKind int

// The updates a controller reports.
const (
	UpdateMeeting   UpdateKind = iota + 1 // a meeting's state changed: re-read Meeting(Channel)
	UpdateSaid                            // the engine said Text in Channel
	UpdatePublished                       // Files were written
	UpdateError                           // Err happened (Channel may be "")
	UpdateLookup                          // Nick asked for a lookup: Text, in Channel; Task answers it
	UpdateResumed                         // a meeting was resumed from its journal (Text says how)
	UpdateStarted                         // a meeting started in Channel (Text: its name)
	UpdateEnded                           // the meeting of Channel ended (Text: its name)
	UpdateJournal                         // the journal of Channel is behind (Err, also sent as an UpdateError) or caught up (Err nil); Text says so
	UpdateQueued                          // Text was queued while disconnected: it goes out on reconnect
	UpdateChair                           // the chair's tools of Channel report Report (Text: its text)
	UpdateWork                            // the chair's tools need Task run off the controller's goroutine
	UpdateOffline                         // offline: Text, a line of the chair's tools, for the presenter to say as the chair's own
)

// Update is one thing the console may want to show.
type Update struct {
	Kind    UpdateKind
	Channel string
	Nick    string
	Text    string
	Files   []publish.File
	Err     error
	Task    Task          // UpdateLookup, UpdateWork: the work to run off the controller's goroutine
	Report  *chair.Report // UpdateChair
}

// Controller runs the meetings of every channel of one connection. It is not
// safe for concurrent use: call it from the Bubble Tea Update goroutine.
type Controller struct {
	cfg      Config
	log      *slog.Logger
	fold     func(string) string
	channels map[string]*channel // by folded name
	// holding is set while gavel's own JOIN (holding) or a played-back
	// line (holding and played) is fed: neither closes a gap (gap.go).
	holding, played bool
	spelled         map[string]*channel // by the names they were found under (folding takes the client's lock)
	behind          map[*channel]bool   // channels whose journal has records waiting
	connected       bool
	dropped         int    // channel events for channels gavel is not in
	work            []Task // work of the chair's tools not handed out yet (chair.go)

	// selfKnown is the nick the meetings know gavel by, by network
	// (Conn.Network: "" is the one network; see selfnick.go).
	selfKnown map[string]string
	selfNow   string // gavel's nick on this connection
}

// channel is one channel's engine and its files.
type channel struct {
	name    string
	joined  bool   // gavel is in the channel (from our JOIN to our PART or KICK, or a disconnect)
	self    string // the nick the engine knows gavel by (see followSelf)
	engine  *meeting.Engine
	journal *journal.Journal // nil without a journal
	writer  *publish.Writer  // nil without an archive
	topic   string           // the channel's topic as last seen
	// resumedAt is the start of the running meeting's gap (the time of
	// its last journalled event when it was resumed, or when gavel left
	// the channel); zero when there is no gap (gap.go).
	resumedAt time.Time
	backAt    time.Time // when gavel was back (its JOIN) in the gap
	filled    bool      // the server or bouncer played back in the gap
	// lastLine is the time of the running meeting's last journalled line:
	// played-back lines from before it never run.
	lastLine time.Time
	// lines counts the running meeting's journalled lines without a
	// network ID by key (bySecond: with the time to the second), again
	// their arrivals since gavel came back (nil: not away since the
	// meeting started).
	lines, bySecond, again map[lineKey]int
	// unpublished are ended meetings whose final files could not be
	// written, retried by Publish.
	unpublished []*ended
	// unlogged are lines of the running meeting's log that wait for the
	// archive to take them (it refused to open the meeting's files).
	unlogged []meeting.Line
	// unsaid are lines for the channel kept until gavel is back in it
	// (the URLs of minutes written after a restart).
	unsaid []string
	// ran are the (message ID, part) keys of the events of the running
	// meeting (journalled, or resumed from the journal): an event with
	// a network ID runs once (matrixedits.go).
	ran         map[idKey]bool
	journalSaid bool         // the chair was told the journal is behind
	tools       *chair.Tools // the chair's tools (chair.go); nil without Config.Chair
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
	if cs, ok := cfg.Network.(Channels); ok && fold == nil {
		fold = cs.Fold
	}
	if fold == nil {
		fold = FoldRFC1459
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

// Meeting returns the running (or last) meeting of a channel, or nil.
func (c *Controller) Meeting(name string) *meeting.Meeting {
	if ch := c.find(name); ch != nil {
		return ch.engine.Meeting()
	}
	return nil
}

// Connected reports whether the connection is up (registered). While it is
// not, lines said wait in the network's queue (see UpdateQueued).
func (c *Controller) Connected() bool { return c.connected }

// Unjournalled is the number of events of a channel's meeting that are not
// yet safe in its journal (0: the meeting is crash-safe).
func (c *Controller) Unjournalled(name string) int {
	if ch := c.find(name); ch != nil && ch.journal != nil {
		return ch.journal.Pending()
	}
	return 0
}

func (c *Controller) newEngine(name string) *meeting.Engine {
	opts := meeting.Options{
		Style: c.cfg.Style, Channel: name, URLPrefix: c.cfg.URLPrefix, BindAccounts: c.cfg.BindAccounts,
		Fold: c.fold, // the server's CASEMAPPING: chair checks in the default style
	}
	if c.cfg.Dialect != nil {
		opts.Dialect = c.cfg.Dialect(name)
	}
	if mod := c.cfg.Moderator; mod != nil {
		opts.Moderator = func(nick, id string) bool { return mod(name, nick, id) }
	}
	return meeting.NewEngine(opts)
}

func (c *Controller) errorUpdate(ch *channel, err error) Update {
	c.log.Error(err.Error(), "channel", ch.name)
	return Update{Kind: UpdateError, Channel: ch.name, Err: err}
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
