package live

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"gavel/matrixclient"
)

// MatrixConn is what the Matrix adapter needs of a Matrix connection;
// *matrixclient.Client satisfies it.
type MatrixConn interface {
	Events() <-chan matrixclient.Event
	Say(room, text string) error
	Notice(room, text string) error
	Emote(room, text string) error
	SetTopic(room, topic string) error
	Answer(room, key, asker string, lines []string) error
	Join(ref string) error
	Leave(room, reason string) error
	Kick(room, userID, reason string) error
	Invite(room, userID string) error
	Room(ref string) (matrixclient.RoomInfo, bool)
	UserID() string
	Ack(room, eventID string)
	Waiting() (high, low int)
}

// Matrix adapts a Matrix connection to Network, as IRC does an IRC one:
// rooms are channels named by their alias (the canonical alias, else the
// alias they were joined as, else their ID), members are display names
// told apart as Element does with the user ID as their identity, each
// line of a multi-line message is a Message, our own m.notice replies are
// our lines (as on IRC), and events from before gavel joined are
// history. Edits and redactions are shown (Info) and given to the
// meeting (Edit, Redaction; matrixedits.go). Next is called from one
// goroutine at a time.
type Matrix struct {
	c    MatrixConn
	stop func()

	mu        sync.Mutex
	names     map[string]string // room ID -> channel name
	connected bool
	down      bool              // the sync failed since the last Synced
	toAck     map[string]string // room ID -> last event of the batch handed out
}

// NewMatrix returns the Network of a Matrix connection; stop ends its Run
// (Quit calls it).
func NewMatrix(c MatrixConn, stop func()) *Matrix {
	return &Matrix{c: c, stop: stop, names: map[string]string{}, toAck: map[string]string{}}
}

var (
	_ Network = (*Matrix)(nil)
	_ Replier = (*Matrix)(nil)
)

// Next implements Network. Calling it again says that the previous batch
// has been handled (journalled): its events are acked to the connection,
// which after a crash pages back to the last acked event.
func (n *Matrix) Next(ctx context.Context, max int) ([]Event, bool) {
	n.mu.Lock()
	for room, id := range n.toAck {
		n.c.Ack(room, id)
		delete(n.toAck, room)
	}
	n.mu.Unlock()
	batch, open := WaitBatch(ctx, n.c.Events(), max)
	return n.Translate(batch), open
}

// Translate turns Matrix events into the live driver's, in order.
func (n *Matrix) Translate(evs []matrixclient.Event) []Event {
	out := make([]Event, 0, len(evs))
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, ev := range evs {
		if p, ok := ev.(interface{ Position() (string, string) }); ok {
			if room, id := p.Position(); room != "" && id != "" {
				n.toAck[room] = id
			}
		}
		out = n.translate(out, ev)
	}
	return out
}

// channel is the name of a room (locked).
func (n *Matrix) channel(roomID string) string {
	if name, ok := n.names[roomID]; ok {
		return name
	}
	if ri, ok := n.c.Room(roomID); ok {
		n.names[roomID] = ri.Title()
		return ri.Title()
	}
	return roomID
}

func mmeta(m matrixclient.Meta) Meta { return Meta{Time: m.Time, ID: m.EventID, History: m.History} }

func muser(s matrixclient.Sender) User {
	return User{Nick: LogNick(s.Name), ID: s.UserID, Self: s.Self}
}

// LogNick is how a Matrix member is named in a meeting and its log: the
// display name as Element shows it (with the user ID when two members
// share it; the user ID when there is none), written so that a line of
// the .log.txt reads back the same (matrixclient.LogName, which writes a
// mention of the member the same way).
//
//	Kevin Fenzi              → Kevin_Fenzi
//	Sam (@sam:fedora.im)     → Sam_(@sam:fedora.im)
//	@nirik:fedora.im         → nirik:fedora.im
func LogNick(name string) string { return matrixclient.LogName(name) }

func (n *Matrix) translate(out []Event, ev matrixclient.Event) []Event {
	switch e := ev.(type) {
	case matrixclient.Message:
		ch := n.channel(e.Room)
		for i, l := range e.Lines {
			if e.Kind == matrixclient.Notice && !e.Self {
				out = append(out, Notice{Meta: mmeta(e.Meta), From: muser(e.Sender), Target: ch, Text: l})
				continue
			}
			// Our own notices are gavel's replies: our lines, as on IRC.
			out = append(out, Message{Meta: mmeta(e.Meta), From: muser(e.Sender), Target: ch, Text: l, Action: e.Kind == matrixclient.Emote, Part: i})
		}
		if e.Truncated {
			out = append(out, Info{Meta: mmeta(e.Meta), Window: ch, Text: e.Name + "'s message was too long and was cut"})
		}
	case matrixclient.Placeholder:
		// Shown and logged as one line that no command can start with.
		out = append(out, Message{Meta: mmeta(e.Meta), From: muser(e.Sender), Target: n.channel(e.Room), Text: e.Text})
	case matrixclient.Edit:
		// Shown, and run by the meeting (matrixedits.go).
		ch := n.channel(e.Room)
		out = append(out, Info{Meta: mmeta(e.Meta), From: muser(e.Sender), Window: ch,
			Text: e.Name + " edited a line to: " + strings.Join(e.Lines, " / ")},
			Edit{Meta: mmeta(e.Meta), From: muser(e.Sender), Channel: ch, Original: e.Original, Lines: e.Lines})
	case matrixclient.Redaction:
		ch := n.channel(e.Room)
		text := e.Name + " redacted a line"
		if e.Reason != "" {
			text += " (" + e.Reason + ")"
		}
		out = append(out, Info{Meta: mmeta(e.Meta), From: muser(e.Sender), Window: ch, Text: text},
			Redaction{Meta: mmeta(e.Meta), From: muser(e.Sender), Channel: ch, Redacts: e.Redacts, Reason: e.Reason})
	case matrixclient.Membership:
		out = n.membership(out, e)
	case matrixclient.Topic:
		out = append(out, Topic{Meta: mmeta(e.Meta), From: muser(e.Sender), Channel: n.channel(e.Room), Text: e.Text})
	case matrixclient.PowerLevels:
		out = append(out, Members{Meta: mmeta(e.Meta), Channel: n.channel(e.Room), Members: members(e.Members)})
	case matrixclient.Joined:
		n.names[e.Room.ID] = e.Room.Title()
		out = n.joined(out, e.Time, e.Room)
	case matrixclient.State:
		m := Meta{Time: e.Time}
		switch e.State {
		case matrixclient.Connecting:
			out = append(out, Conn{Meta: m, State: Connecting, Server: e.Server})
		case matrixclient.LoggedIn:
			n.connected = true
			out = append(out, Conn{Meta: m, State: Connected, Server: e.Server, Nick: e.UserID})
		case matrixclient.Synced:
			if n.down {
				// Back after a failed sync: we are in our rooms again.
				n.down, n.connected = false, true
				out = append(out, Conn{Meta: m, State: Connected, Server: e.Server, Nick: e.UserID})
				for id := range n.names {
					if ri, ok := n.c.Room(id); ok {
						out = n.joined(out, e.Time, ri)
					}
				}
			}
		case matrixclient.Reconnecting:
			n.down, n.connected = true, false
			out = append(out, Conn{Meta: m, State: Reconnecting, Server: e.Server, Delay: e.Delay, Err: e.Err})
		case matrixclient.Stopped:
			n.connected = false
			out = append(out, Conn{Meta: m, State: Stopped, Server: e.Server, Err: e.Err})
		}
	case matrixclient.Error:
		kind, cmd := ErrorOther, ""
		if e.EventType == "m.room.topic" {
			cmd = "TOPIC"
			if e.Code == "M_FORBIDDEN" {
				kind = ErrorNotOperator
			}
		}
		code := e.Code
		if code == "" {
			code = "matrix"
		}
		out = append(out, Error{Meta: Meta{Time: e.Time}, Kind: kind, Code: code, Command: cmd, Window: n.channel(e.Room), Text: e.Err.Error()})
	}
	return out
}

// joined is our join of a room with its members and topic.
func (n *Matrix) joined(out []Event, at time.Time, ri matrixclient.RoomInfo) []Event {
	ch := ri.Title()
	me := User{Nick: LogNick(n.c.UserID()), ID: n.c.UserID(), Self: true}
	if mm, ok := ri.Member(ri.Me); ok {
		me.Nick = LogNick(mm.Name)
	}
	meta := Meta{Time: at}
	out = append(out, Join{Meta: meta, From: me, Channel: ch}, Members{Meta: meta, Channel: ch, Members: members(ri.Members)})
	if ri.Topic != "" {
		out = append(out, Topic{Meta: meta, Channel: ch, Text: ri.Topic, OnJoin: true})
	}
	return out
}

func (n *Matrix) membership(out []Event, e matrixclient.Membership) []Event {
	ch := n.channel(e.Room)
	name := e.OldName
	if name == "" {
		name = e.NewName
	}
	if name == "" {
		name = e.Target
	}
	who := User{Nick: LogNick(name), ID: e.Target, Self: e.TargetSelf}
	switch e.Change {
	case matrixclient.MemberJoined:
		if e.TargetSelf {
			return out // our join is the room's Joined
		}
		who.Nick = e.NewName
		if who.Nick == "" {
			who.Nick = e.Target
		}
		who.Nick = LogNick(who.Nick)
		return append(out, Join{Meta: mmeta(e.Meta), From: who, Channel: ch})
	case matrixclient.MemberLeft, matrixclient.MemberBanned:
		if e.UserID != e.Target || e.Change == matrixclient.MemberBanned {
			return append(out, Kick{Meta: mmeta(e.Meta), From: muser(e.Sender), Channel: ch, Kicked: LogNick(name), KickedSelf: e.TargetSelf, Reason: e.Reason})
		}
		return append(out, Part{Meta: mmeta(e.Meta), From: who, Channel: ch, Reason: e.Reason})
	case matrixclient.MemberRenamed:
		return append(out, NickChange{Meta: mmeta(e.Meta), From: who, NewNick: LogNick(e.NewName), Channels: []string{ch}})
	}
	return out
}

// members maps power levels to IRC's status prefixes: "@" from 50 up
// (moderators, admins, creators), "+" above 0.
func members(ms []matrixclient.Member) []Member {
	out := make([]Member, len(ms))
	for i, m := range ms {
		p := ""
		switch {
		case m.Power >= 50:
			p = "@"
		case m.Power > 0:
			p = "+"
		}
		out[i] = Member{Nick: LogNick(m.Name), ID: m.UserID, Prefixes: p, Power: m.Power}
	}
	return out
}

// Effects and senders.

func isRoom(name string) bool { return strings.HasPrefix(name, "#") || strings.HasPrefix(name, "!") }

func roomOnly(target string) error {
	if !isRoom(target) {
		return fmt.Errorf("matrix: %q is no room: %w", target, ErrUnsupported)
	}
	return nil
}

// Say implements Effects: the chair's line, as m.text.
func (n *Matrix) Say(target, text string) error {
	if err := roomOnly(target); err != nil {
		return err
	}
	return n.c.Say(target, text)
}

// Reply implements Replier: the meeting's replies go out as m.notice.
func (n *Matrix) Reply(target, text string) error {
	if err := roomOnly(target); err != nil {
		return err
	}
	return n.c.Notice(target, text)
}

// SetTopic implements Effects.
func (n *Matrix) SetTopic(channel, topic string) error { return n.c.SetTopic(channel, topic) }

// Answer implements Answerer through the connection's low lane.
func (n *Matrix) Answer(target, key, asker string, lines []string) error {
	if ri, ok := n.c.Room(target); ok {
		for _, m := range ri.Members {
			if m.Name == asker || m.DisplayName == asker || LogNick(m.Name) == asker {
				asker = m.UserID
				break
			}
		}
	}
	err := n.c.Answer(target, key, asker, lines)
	if errors.Is(err, matrixclient.ErrAskerBusy) {
		return fmt.Errorf("%w: %w", ErrAskerBusy, err)
	}
	return err
}

// Action implements Network (m.emote).
func (n *Matrix) Action(target, text string) error {
	if err := roomOnly(target); err != nil {
		return err
	}
	return n.c.Emote(target, text)
}

// Notice implements Network (m.notice).
func (n *Matrix) Notice(target, text string) error { return n.Reply(target, text) }

// Join implements Network: each room (alias or ID) is joined; the result
// comes as the room's events or an Error.
func (n *Matrix) Join(channels ...string) error {
	for _, ch := range channels {
		if err := n.c.Join(ch); err != nil {
			return err
		}
	}
	return nil
}

// Part implements Network.
func (n *Matrix) Part(channel, reason string) error { return n.c.Leave(channel, reason) }

// SetNick implements Network: a Matrix display name is not set from here.
func (n *Matrix) SetNick(string) error { return fmt.Errorf("matrix: display name: %w", ErrUnsupported) }

// Quit implements Network: the connection stops.
func (n *Matrix) Quit(string) {
	if n.stop != nil {
		n.stop()
	}
}

// userID finds a member of channel by display name or user ID.
func (n *Matrix) userID(channel, nick string) string {
	if strings.HasPrefix(nick, "@") {
		return nick
	}
	if ri, ok := n.c.Room(channel); ok {
		for _, m := range ri.Members {
			if m.Name == nick || m.DisplayName == nick || LogNick(m.Name) == nick {
				return m.UserID
			}
		}
	}
	return nick
}

// Kick implements Network.
func (n *Matrix) Kick(channel, nick, reason string) error {
	return n.c.Kick(channel, n.userID(channel, nick), reason)
}

// Invite implements Network (nick is a user ID).
func (n *Matrix) Invite(nick, channel string) error { return n.c.Invite(channel, nick) }

// Mode implements Network: Matrix has power levels, not modes.
func (n *Matrix) Mode(string, string, ...string) error {
	return fmt.Errorf("matrix: modes: %w", ErrUnsupported)
}

// Away implements Network.
func (n *Matrix) Away(string) error { return fmt.Errorf("matrix: away: %w", ErrUnsupported) }

// Whois implements Network.
func (n *Matrix) Whois(string) error { return fmt.Errorf("matrix: whois: %w", ErrUnsupported) }

// List implements Network.
func (n *Matrix) List() error { return fmt.Errorf("matrix: room list: %w", ErrUnsupported) }

// Names implements Network: the members are the room state's already
// (Channels.Members).
func (n *Matrix) Names(string) error { return fmt.Errorf("matrix: names: %w", ErrUnsupported) }

// CTCP implements Network.
func (n *Matrix) CTCP(string, string, string) (string, error) {
	return "", fmt.Errorf("matrix: CTCP: %w", ErrUnsupported)
}

// Raw implements Network.
func (n *Matrix) Raw(string) error { return fmt.Errorf("matrix: raw lines: %w", ErrUnsupported) }

// Connected implements Network.
func (n *Matrix) Connected() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.connected
}

// Lag implements Network: sends are not paced (the homeserver's 429s are
// honoured by the connection).
func (n *Matrix) Lag() time.Duration { return 0 }

// QueueLen implements Network.
func (n *Matrix) QueueLen() int {
	h, l := n.c.Waiting()
	return h + l
}

// Members implements Channels.
func (n *Matrix) Members(channel string) []Member {
	ri, ok := n.c.Room(channel)
	if !ok {
		return nil
	}
	return members(ri.Members)
}

// Topic implements Channels.
func (n *Matrix) Topic(channel string) string {
	ri, _ := n.c.Room(channel)
	return ri.Topic
}

// InChannel implements Channels.
func (n *Matrix) InChannel(channel string) bool {
	_, ok := n.c.Room(channel)
	return ok
}

// IsChannel implements Channels: room aliases and IDs.
func (n *Matrix) IsChannel(name string) bool { return isRoom(name) }

// Fold implements Channels: room names are compared as they are.
func (n *Matrix) Fold(name string) string { return name }

// Nick implements Channels: our user ID.
func (n *Matrix) Nick() string { return n.c.UserID() }
