package tui

// The chair's tools (issue 11) in the console: the agenda and its
// leftovers, the follow-up of the previous meeting's actions, the
// timebox, votes with a roster and a quorum, and roll call. The logic is
// in tui/agenda and tui/chair; this file keeps their state per channel,
// follows each channel's meeting (as its engine reports it, after every
// batch of IRC events) and the channel's lines, and fills the panes.
// Everything the tools add to the record is said in the channel through
// the normal send path (Model.say), as ordinary MeetBot commands.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"gavel/backend/fetch"
	"gavel/backend/forge"
	"gavel/meeting"
	"gavel/meeting/live"
	"gavel/meeting/publish"
	"gavel/tui/agenda"
	"gavel/tui/chair"
	"gavel/tui/winlist"
)

// ChairOptions configure the chair's tools.
type ChairOptions struct {
	// Archive is where the minutes are published; the previous meeting's
	// action items are read from it (nil: no follow-up).
	Archive *publish.Archive
	// AgendaDir keeps the agenda items a meeting did not reach, for the
	// next meeting of the same name in the same channel (gavel's state
	// directory, beside the journal). "": they are not kept.
	AgendaDir string
	// Network names the network in the leftovers' keys (the configured
	// server name).
	Network string
	// Channels are per-channel settings, by channel name.
	Channels map[string]ChannelChair
	// HTTP fetches agendas given by URL and forge issues (nil: a client
	// with fetch's defaults).
	HTTP *fetch.Client
}

// ChannelChair is what the configuration sets for one channel.
type ChannelChair struct {
	// Agenda is loaded at start, like /agenda load: a file or an http(s)
	// URL of a Markdown or plain-text list.
	Agenda string
	// AgendaForge adds the open issues labelled "meeting" of a Pagure
	// project or Forgejo repository at start, like /agenda forge.
	AgendaForge string
	// TimeboxNotice says in the channel when a timebox runs out (off by
	// default; /timebox notice on|off).
	TimeboxNotice bool
}

// chairTools is the state of the tools, per channel.
type chairTools struct {
	opts  ChairOptions
	store *agenda.Store
	http  *fetch.Client
	forge *forge.Client
	chans map[string]*chairChan // by folded channel name
	// sized are the Agenda and Votes panes' lengths at the last layout
	// (their heights follow their contents).
	sized [2]int
}

// chairChan is one channel's tools.
type chairChan struct {
	name   string
	agenda *agenda.Agenda
	source string // where the agenda came from
	// finished: the agenda's meeting ended (its leftovers are kept); the
	// next meeting starts without it.
	finished  bool
	offerDate string

	// The meeting followed, as its engine reported it last.
	start     time.Time
	mname     string
	ended     bool
	topicLine int // the log line of the current #topic (0: none)
	topic     string

	timer  chair.Timer
	box    time.Duration
	notice bool

	follow *chair.FollowUp
	// said is what /done and /carry said per action number; seen marks
	// those the meeting recorded (an #undo that removes one reopens it).
	said  map[int]string
	seen  map[int]bool
	votes chair.Votes
	last  *chair.Result // the last vote's result, shown until the next topic
	roll  *chair.RollCall
}

func newChairTools(o ChairOptions) *chairTools {
	t := &chairTools{opts: o, http: o.HTTP, chans: map[string]*chairChan{}}
	if t.http == nil {
		t.http = fetch.New(fetch.Options{Service: "agenda"})
	}
	t.forge = forge.New(t.http, forge.Options{})
	if o.AgendaDir != "" {
		t.store = &agenda.Store{Dir: o.AgendaDir}
	}
	return t
}

// chairOf returns a channel's tools, creating them.
func (m *Model) chairOf(channel string) *chairChan {
	t := m.chair
	k := m.Me.FoldName(channel)
	cc := t.chans[k]
	if cc == nil {
		cc = &chairChan{name: channel}
		cc.votes.Fold = m.Me.FoldName
		for name, c := range t.opts.Channels {
			if m.Me.FoldName(name) == k {
				cc.notice = c.TimeboxNotice
			}
		}
		t.chans[k] = cc
	}
	return cc
}

// chairMsg is a message for the chair's tools: the answer of something
// they ran off the UI goroutine.
type chairMsg interface{ chairChannel() string }

type (
	// agendaMsg is an agenda read from a file, a URL or a forge.
	agendaMsg struct {
		channel, source string
		items           []agenda.Item
		add             bool // append to the agenda (forge) instead of replacing it
		note            string
		err             error
	}
	// previousMsg is what the previous meeting of a name left: agenda
	// items and action items.
	previousMsg struct {
		channel, name string
		start         time.Time
		offer         *agenda.Offer
		offerErr      error
		follow        *chair.FollowUp
		followErr     error
	}
	// votersMsg is a roster read from an account group.
	votersMsg struct {
		channel string
		start   time.Time
		roster  chair.Roster
		err     error
	}
	// accountsMsg is the accounts known for a nick (roll call).
	accountsMsg struct {
		channel, nick string
		start         time.Time
		accounts      []string
		err           error
	}
)

func (m agendaMsg) chairChannel() string   { return m.channel }
func (m previousMsg) chairChannel() string { return m.channel }
func (m votersMsg) chairChannel() string   { return m.channel }
func (m accountsMsg) chairChannel() string { return m.channel }

// chairInit loads the agendas the configuration names.
func (m *Model) chairInit() tea.Cmd {
	var cmds []tea.Cmd
	for name, c := range m.chair.opts.Channels {
		if c.Agenda == "" && c.AgendaForge == "" {
			continue
		}
		m.chairOf(name)
		src, forgeURL := c.Agenda, c.AgendaForge
		ctx, hc, fc := m.opts.Context, m.chair.http, m.chair.forge
		cmds = append(cmds, func() tea.Msg {
			var items []agenda.Item
			var sources, notes []string
			if src != "" {
				got, err := readAgenda(ctx, hc, src)
				if err != nil {
					return agendaMsg{channel: name, source: src, err: err}
				}
				items, sources = got, append(sources, src)
			}
			if forgeURL != "" {
				got, note, err := forgeAgenda(ctx, fc, forgeURL, "")
				if err != nil {
					return agendaMsg{channel: name, source: forgeURL, items: items, err: err}
				}
				items, sources, notes = append(items, got...), append(sources, forgeURL), append(notes, note)
			}
			return agendaMsg{channel: name, source: strings.Join(sources, " + "), items: items, note: strings.Join(notes, "; ")}
		})
	}
	return tea.Batch(cmds...)
}

// readAgenda reads an agenda from a file or an http(s) URL.
func readAgenda(ctx context.Context, hc *fetch.Client, src string) ([]agenda.Item, error) {
	if agenda.IsURL(src) {
		ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		return agenda.Fetch(ctx, hc, src)
	}
	return agenda.ReadFile(src)
}

// forgeAgenda lists a forge project's open issues with a label as agenda
// items ("#<id> <title>" with the issue's URL).
func forgeAgenda(ctx context.Context, fc *forge.Client, url, label string) ([]agenda.Item, string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	res, err := fc.List(ctx, url, label)
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

// chairUpdate handles the answers of the tools' commands.
func (m *Model) chairUpdate(msg chairMsg) tea.Cmd {
	cc := m.chairOf(msg.chairChannel())
	w := m.windowFor(cc.name)
	defer m.refreshPanes()
	switch msg := msg.(type) {
	case agendaMsg:
		if msg.err != nil {
			m.errorLine(w, "agenda: "+strings.TrimPrefix(msg.err.Error(), "agenda: "))
			return nil
		}
		if msg.add && cc.agenda != nil && !cc.finished {
			n := cc.agenda.Len()
			cc.agenda.Append(msg.items)
			m.info(w, fmt.Sprintf("agenda: added %s from %s (%s)", plural(cc.agenda.Len()-n, "item"), msg.source, msg.note))
			return nil
		}
		old := cc.agenda
		cc.agenda, cc.source, cc.finished = agenda.New(msg.items), msg.source, false
		if old != nil {
			if o, ok := old.Offered(); ok {
				cc.agenda.Offer(&o)
			}
		}
		text := fmt.Sprintf("agenda: %s from %s", plural(cc.agenda.Len(), "item"), msg.source)
		if msg.note != "" {
			text += " (" + msg.note + ")"
		}
		m.info(w, text+" — /next (or "+m.Keys.NextItem.Help().Key+") posts the next one")
	case previousMsg:
		if !msg.start.Equal(cc.start) || msg.name != cc.mname {
			return nil // the meeting or its name changed meanwhile
		}
		if msg.offerErr != nil {
			m.errorLine(w, "agenda leftovers: "+msg.offerErr.Error())
		}
		if msg.offer != nil {
			if cc.agenda == nil || cc.finished {
				cc.agenda, cc.source, cc.finished = agenda.New(nil), "", false
			}
			cc.agenda.Offer(msg.offer)
			cc.offerDate = msg.offer.SavedAt.In(m.location()).Format("2006-01-02")
			m.info(w, fmt.Sprintf("agenda: %s left over from the meeting %s of %s — /agenda take puts them first",
				plural(len(msg.offer.Items), "item"), msg.name, cc.offerDate))
		} else if cc.agenda != nil {
			cc.agenda.Offer(nil)
		}
		if msg.followErr != nil {
			m.errorLine(w, "follow-up: "+msg.followErr.Error())
		}
		cc.follow, cc.said, cc.seen = msg.follow, map[int]string{}, map[int]bool{}
		if f := msg.follow; f != nil {
			m.info(w, fmt.Sprintf("follow-up: the meeting %s of %s had %s (Actions pane) — /followup, /done N, /carry N",
				msg.name, f.Date, plural(len(f.Actions()), "action item")))
		}
	case votersMsg:
		if !msg.start.Equal(cc.start) || cc.ended {
			return nil
		}
		if msg.err != nil {
			m.errorLine(w, msg.err.Error())
			return nil
		}
		return m.setRoster(cc, msg.roster)
	case accountsMsg:
		if cc.roll == nil || !msg.start.Equal(cc.start) {
			return nil
		}
		if msg.err != nil {
			m.errorLine(w, "roll call: accounts of "+msg.nick+": "+msg.err.Error())
			cc.roll.SetAccounts(msg.nick, nil)
			return nil
		}
		cc.roll.SetAccounts(msg.nick, msg.accounts)
	}
	return nil
}

// setRoster takes a roster and posts it (with the quorum) on the record.
func (m *Model) setRoster(cc *chairChan, r chair.Roster) tea.Cmd {
	cc.votes.Roster = r
	w := m.windowFor(cc.name)
	switch {
	case r.Note != "":
		m.info(w, "voters: "+r.Note)
	case r.Group != "" && r.Source != "":
		m.info(w, "voters: the members of "+r.Group+", answered by "+r.Source)
	}
	return m.sayAll(cc.name, chair.VotersLines(r, cc.votes.Quorum))
}

// sayAll says lines in a channel, in order, through the normal send path.
func (m *Model) sayAll(channel string, lines []string) tea.Cmd {
	var cmds []tea.Cmd
	for _, l := range lines {
		cmds = append(cmds, m.say(channel, l))
	}
	return tea.Batch(cmds...)
}

// chairObserve follows a batch of IRC events once the live driver has
// had them: each channel's meeting as its engine now reports it, then the
// lines said (votes, roll call). It reports whether the panes changed.
func (m *Model) chairObserve(evs []live.Event) (refresh bool, cmd tea.Cmd) {
	var cmds []tea.Cmd
	for _, w := range m.wins.All() {
		if w.Kind != winlist.Channel {
			continue
		}
		if mt := m.opts.Glue.Meeting(w.Name); mt != nil {
			r, c := m.chairSync(m.chairOf(w.Name), mt)
			refresh = refresh || r
			cmds = append(cmds, c)
		}
	}
	for _, ev := range evs {
		switch e := ev.(type) {
		case live.Message:
			switch {
			case e.Private || e.History:
			case e.Action:
				r, _ := m.chairLine(e.Target, e.From, "", e.When())
				refresh = refresh || r
			default:
				r, c := m.chairLine(e.Target, e.From, e.Text, e.When())
				refresh = refresh || r
				cmds = append(cmds, c)
			}
		case live.NickChange:
			for _, ch := range e.Channels {
				if cc := m.chair.chans[m.Me.FoldName(ch)]; cc != nil {
					cc.votes.Rename(e.From.Nick, e.NewNick)
					if cc.roll != nil {
						cc.roll.Rename(e.From.Nick, e.NewNick)
					}
				}
			}
		}
	}
	return refresh, tea.Batch(cmds...)
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

// chairSync follows a channel's meeting: a new meeting (or a resumed one)
// resets the tools and looks up what the previous meeting of its name
// left; a new name looks again; a new topic starts its timebox (the agenda
// item's, when the topic is one) and, for "Roll call", a roll call; the
// end keeps the agenda items not reached.
func (m *Model) chairSync(cc *chairChan, mt *meeting.Meeting) (refresh bool, cmd tea.Cmd) {
	var cmds []tea.Cmd
	if !mt.Start.Equal(cc.start) {
		refresh = true
		cc.start, cc.mname, cc.ended = mt.Start, mt.Name, mt.Ended()
		cc.topicLine, cc.topic, cc.box = 0, "", 0
		cc.timer, cc.follow, cc.last, cc.roll = chair.Timer{}, nil, nil, nil
		cc.said, cc.seen = map[int]string{}, map[int]bool{}
		cc.votes = chair.Votes{Fold: m.Me.FoldName}
		if cc.finished {
			cc.agenda, cc.source, cc.finished = nil, "", false
		}
		if cc.ended {
			return refresh, nil // a meeting that ended before we saw it
		}
		cmds = append(cmds, m.lookUpPrevious(cc, mt))
	} else if mt.Name != cc.mname && !cc.ended {
		refresh = true
		cc.mname = mt.Name
		cmds = append(cmds, m.lookUpPrevious(cc, mt))
	}
	if cc.ended {
		return refresh, tea.Batch(cmds...)
	}
	if t, ok := lastTopic(mt); ok && (t.Line != cc.topicLine || t.Text != cc.topic) {
		refresh = true
		cc.topicLine, cc.topic, cc.box, cc.last = t.Line, t.Text, 0, nil
		if a := cc.agenda; a != nil && !cc.finished {
			if e, ok := a.TopicSet(t.Text); ok {
				cc.box = e.Timebox
			}
		}
		cc.timer.Start(t.Text, cc.box, t.Time)
		if strings.EqualFold(t.Text, strings.TrimPrefix(chair.RollCallTopic, "#topic ")) {
			cc.roll = chair.NewRollCall(t.Time, chair.Fold(m.Me.FoldName))
		}
	}
	if cc.followUndone(mt) {
		refresh = true
	}
	if mt.Ended() {
		refresh = true
		cc.ended = true
		cc.timer.Stop()
		if _, running := cc.votes.Running(); running {
			cmds = append(cmds, m.voteEnded(cc, cc.votes.End()))
		}
		m.keepLeftovers(cc, mt)
	}
	return refresh, tea.Batch(cmds...)
}

// followUndone reopens the previous meeting's actions whose "#info done:"
// or "#action" line the meeting recorded and no longer has (#undo); it
// reports whether one was reopened.
func (cc *chairChan) followUndone(mt *meeting.Meeting) bool {
	if cc.follow == nil {
		return false
	}
	changed := false
	for n, line := range cc.said {
		kind, text := meeting.KindInfo, strings.TrimPrefix(line, "#info ")
		if t, ok := strings.CutPrefix(line, "#action "); ok {
			kind, text = meeting.KindAction, t
		}
		found := false
		for _, it := range mt.Items {
			if it.Kind == kind && strings.TrimSpace(it.Text) == strings.TrimSpace(text) {
				found = true
				break
			}
		}
		switch {
		case found:
			cc.seen[n] = true
		case cc.seen[n]:
			cc.follow.Reopen(n)
			delete(cc.said, n)
			delete(cc.seen, n)
			changed = true
		}
	}
	return changed
}

// lookUpPrevious finds, off the UI goroutine, the agenda items the last
// meeting of this name in this channel did not reach and its action items.
func (m *Model) lookUpPrevious(cc *chairChan, mt *meeting.Meeting) tea.Cmd {
	t := m.chair
	if t.store == nil && t.opts.Archive == nil {
		return nil
	}
	ctx, store, archive := m.opts.Context, t.store, t.opts.Archive
	key := agenda.Key{Network: t.opts.Network, Channel: mt.Channel, Name: mt.Name}
	msg := previousMsg{channel: cc.name, name: mt.Name, start: mt.Start}
	return func() tea.Msg {
		if store != nil {
			msg.offer, msg.offerErr = store.Load(key)
		}
		if archive != nil {
			ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			prev, ok, err := archive.Previous(ctx, key.Channel, key.Name, msg.start)
			switch {
			case err != nil:
				msg.followErr = err
			case ok:
				actions, err := prev.Actions()
				if err != nil {
					msg.followErr = err
				} else if len(actions) > 0 {
					msg.follow = chair.NewFollowUp(prev.Date(), actions)
				}
			}
		}
		return msg
	}
}

// keepLeftovers keeps the agenda items the meeting did not reach (and an
// offer of leftovers it did not take), under its final name.
func (m *Model) keepLeftovers(cc *chairChan, mt *meeting.Meeting) {
	a := cc.agenda
	if a == nil || cc.finished {
		return
	}
	cc.finished = true
	w := m.windowFor(cc.name)
	store := m.chair.store
	if store == nil {
		if n := len(a.Leftovers()); n > 0 {
			m.info(w, fmt.Sprintf("agenda: %s not reached (no state directory to keep them in)", plural(n, "item")))
		}
		return
	}
	key := agenda.Key{Network: m.chair.opts.Network, Channel: mt.Channel, Name: mt.Name}
	if err := store.Finish(key, a, mt.End); err != nil {
		m.errorLine(w, "agenda: "+err.Error())
		return
	}
	if o, err := store.Load(key); err == nil && o != nil {
		m.info(w, fmt.Sprintf("agenda: kept %s not reached for the next meeting %s here", plural(len(o.Items), "item"), mt.Name))
	}
}

// chairLine feeds a line said in a channel to the vote tally and the roll
// call (text is "" for a /me line: it counts for the roll call only).
func (m *Model) chairLine(channel string, src live.User, text string, at time.Time) (refresh bool, cmd tea.Cmd) {
	cc := m.chair.chans[m.Me.FoldName(channel)]
	if cc == nil || cc.start.IsZero() {
		return false, nil
	}
	mt := m.opts.Glue.Meeting(channel)
	if mt == nil || !mt.Start.Equal(cc.start) || at.Before(mt.Start) || mt.Ended() && at.After(mt.End) {
		return false, nil
	}
	var cmds []tea.Cmd
	if r := cc.roll; r != nil && r.Spoke(src.Nick, at) {
		refresh = true
		cmds = append(cmds, m.lookUpAccounts(cc))
	}
	if text == "" {
		return refresh, tea.Batch(cmds...)
	}
	voter := chair.Voter{Nick: src.Nick}
	if src.ID != "" {
		voter.Accounts = append(voter.Accounts, src.ID)
	}
	if cc.roll != nil {
		voter.Accounts = append(voter.Accounts, cc.roll.Accounts(src.Nick)...)
	}
	ve := cc.votes.Message(chair.Line{Voter: voter, Text: text, Chair: mt.IsChair(src.Nick), Time: at})
	switch ve.Kind {
	case chair.Started:
		refresh, cc.last = true, nil
	case chair.Cast:
		refresh = true
	case chair.Ended:
		refresh = true
		cmds = append(cmds, m.voteEnded(cc, *ve.Result))
	}
	return refresh, tea.Batch(cmds...)
}

// lookUpAccounts asks the backend, off the UI goroutine, for the accounts
// of the nicks the roll call marked.
func (m *Model) lookUpAccounts(cc *chairChan) tea.Cmd {
	var cmds []tea.Cmd
	ctx, r := m.opts.Context, m.opts.Router
	for _, nick := range cc.roll.ToLookUp() {
		channel, start := cc.name, cc.start
		cmds = append(cmds, func() tea.Msg {
			ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
			defer cancel()
			accounts, err := chair.LookupAccounts(ctx, r, nick)
			return accountsMsg{channel: channel, nick: nick, start: start, accounts: accounts, err: err}
		})
	}
	return tea.Batch(cmds...)
}

// voteEnded shows a vote's tally and puts "#agreed <question> (+X, Y, -Z)"
// in the command line for the chair to send or edit.
func (m *Model) voteEnded(cc *chairChan, r chair.Result) tea.Cmd {
	cc.last = &r
	w := m.windowFor(cc.name)
	text := "vote ended: " + r.Question + " " + r.Summary
	var more []string
	switch {
	case r.Quorum > 0 && r.QuorumMet:
		more = append(more, fmt.Sprintf("quorum %d met (%d voted)", r.Quorum, r.Voted))
	case r.Quorum > 0:
		more = append(more, fmt.Sprintf("quorum %d NOT met (%d voted)", r.Quorum, r.Voted))
	case !r.QuorumMet:
		more = append(more, "quorum not met (a percentage needs a roster: /voters)")
	}
	if r.HasRoster {
		if len(r.Missing) > 0 {
			more = append(more, "did not vote: "+strings.Join(r.Missing, ", "))
		} else {
			more = append(more, "the whole roster voted")
		}
		if len(r.Outside) > 0 {
			more = append(more, "not counted (not on the roster): "+strings.Join(r.Outside, ", "))
		}
	}
	m.info(w, text)
	if len(more) > 0 {
		m.info(w, strings.Join(more, " · "))
	}
	switch {
	case m.wins.Current() == w && m.input.Value() == "":
		m.input.SetValue(r.Agreed)
		m.info(w, "the command line holds "+r.Agreed+" — Enter says it, or edit it first")
	default:
		m.input.Remember(r.Agreed)
		m.info(w, "↑ in the command line recalls "+r.Agreed)
	}
	return nil
}

// chairTick runs on the console's clock: the optional channel notice when
// a timebox runs out.
func (m *Model) chairTick() tea.Cmd {
	var cmds []tea.Cmd
	now := m.clock()
	for _, cc := range m.chair.chans {
		if !cc.notice || cc.ended || !cc.timer.Running() {
			continue
		}
		if notice, ok := cc.timer.Expired(now); ok {
			cmds = append(cmds, m.say(cc.name, notice))
		}
	}
	return tea.Batch(cmds...)
}

// plural is "1 item", "2 items".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// errNoMeeting is said by the tools that need a running meeting.
var errNoMeeting = errors.New("no meeting is running here (#startmeeting first)")
