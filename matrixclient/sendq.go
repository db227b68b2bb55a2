package matrixclient

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// ErrAskerBusy is returned by Answer when the asker already has
// MaxAnswersPerAsker answers waiting: the ask is dropped.
var ErrAskerBusy = errors.New("matrix: this asker already has answers waiting")

// MaxAnswersPerAsker is how many answers one user may have waiting in the low lane.
const MaxAnswersPerAsker = 2

// outgoing is one event to send.
type outgoing struct {
	room     string // room ID
	evType   string // m.room.message or m.room.topic
	content  map[string]any
	txnID    string
	asker    string // low lane: who asked
	stateKey bool
}

// sendQueue holds the two lanes: high (the chair's lines, the meeting's
// replies, topics) always before low (lookup answers).
type sendQueue struct {
	mu     sync.Mutex
	high   []outgoing
	low    []outgoing
	closed bool
	wake   chan struct{}
}

func newSendQueue() *sendQueue { return &sendQueue{wake: make(chan struct{}, 1)} }

func (q *sendQueue) push(o outgoing, low bool) error {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return ErrNotRunning
	}
	if low {
		n := 0
		for _, a := range q.low {
			if a.asker == o.asker {
				n++
			}
		}
		if n >= MaxAnswersPerAsker {
			q.mu.Unlock()
			return ErrAskerBusy
		}
		q.low = append(q.low, o)
	} else {
		q.high = append(q.high, o)
	}
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
	return nil
}

// pop takes the next event, high lane first; ok is false once closed.
func (q *sendQueue) pop(ctx context.Context) (outgoing, bool) {
	for {
		q.mu.Lock()
		if q.closed {
			q.mu.Unlock()
			return outgoing{}, false
		}
		if len(q.high) > 0 {
			o := q.high[0]
			q.high = q.high[1:]
			q.mu.Unlock()
			return o, true
		}
		if len(q.low) > 0 {
			o := q.low[0]
			q.low = q.low[1:]
			q.mu.Unlock()
			return o, true
		}
		q.mu.Unlock()
		select {
		case <-q.wake:
		case <-ctx.Done():
			return outgoing{}, false
		}
	}
}

func (q *sendQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// Waiting is how many events wait in the high and the low lane.
func (c *Client) Waiting() (high, low int) {
	c.sendq.mu.Lock()
	defer c.sendq.mu.Unlock()
	return len(c.sendq.high), len(c.sendq.low)
}

// Say sends text as m.text (the chair's own line) in room (ID or alias).
// It comes back once as our own Message.
func (c *Client) Say(room, text string) error { return c.message(room, "m.text", text, "", false) }

// Notice sends text as m.notice (gavel's replies).
func (c *Client) Notice(room, text string) error { return c.message(room, "m.notice", text, "", false) }

// Emote sends text as m.emote (/me).
func (c *Client) Emote(room, text string) error { return c.message(room, "m.emote", text, "", false) }

// Answer queues a lookup answer in the low lane, sent only while nothing
// waits in the high lane: one m.notice addressed to the asker
// ("alice: line"), its lines in one body. An asker (user ID) with
// MaxAnswersPerAsker answers waiting gets ErrAskerBusy. key names the
// lookup; it is kept for the log.
func (c *Client) Answer(room, key, asker string, lines []string) error {
	var clean []string
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			clean = append(clean, l)
		}
	}
	if len(clean) == 0 {
		return fmt.Errorf("matrix: answer to %s: empty text", asker)
	}
	name := asker
	c.mu.Lock()
	if r := c.roomLocked(room); r != nil {
		name = r.name(asker)
	}
	c.mu.Unlock()
	for i := range clean {
		clean[i] = name + ": " + clean[i]
	}
	return c.message(room, "m.notice", strings.Join(clean, "\n"), asker, true)
}

// SetTopic sets the room's topic.
func (c *Client) SetTopic(room, topic string) error {
	roomID, err := c.resolve(room)
	if err != nil {
		return err
	}
	return c.sendq.push(outgoing{room: roomID, evType: "m.room.topic", content: map[string]any{"topic": topic}, stateKey: true}, false)
}

func (c *Client) message(room, msgtype, text, asker string, low bool) error {
	if strings.TrimSpace(text) == "" {
		return fmt.Errorf("matrix: send to %s: empty text", room)
	}
	roomID, err := c.resolve(room)
	if err != nil {
		return err
	}
	txn := fmt.Sprintf("%s.%d", c.txnPfx, c.txnSeq.Add(1))
	return c.sendq.push(outgoing{room: roomID, evType: "m.room.message", txnID: txn, asker: asker,
		content: map[string]any{"msgtype": msgtype, "body": text}}, low)
}

func (c *Client) resolve(room string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.loggedIn {
		return "", ErrNotRunning
	}
	r := c.roomLocked(room)
	if r == nil {
		return "", fmt.Errorf("%w: %s", ErrUnknownRoom, room)
	}
	return r.id, nil
}

// sendLoop sends queued events one at a time, retrying transient failures
// (and 429s after retry_after_ms) with the same transaction ID, so the
// homeserver never stores one twice.
func (c *Client) sendLoop(ctx context.Context) {
	for {
		o, ok := c.sendq.pop(ctx)
		if !ok {
			return
		}
		bo := backoff{min: c.cfg.MinBackoff, max: c.cfg.MaxBackoff}
		for {
			err := c.sendOnce(ctx, o)
			if err == nil || ctx.Err() != nil {
				break
			}
			if !transient(err) || bo.attempt >= 6 {
				code, _ := errCode(err)
				err = fmt.Errorf("matrix: send %s to %s: %w", o.evType, c.title(o.room), err)
				c.log.Warn(err.Error())
				c.emit(Error{Time: time.Now(), Room: o.room, Code: code, EventType: o.evType, Err: err})
				break
			}
			asked, _ := retryAfter(err)
			if sleep(ctx, bo.next(asked)) != nil {
				return
			}
		}
	}
}

func (c *Client) sendOnce(ctx context.Context, o outgoing) error {
	if o.stateKey {
		_, err := c.cli.SendStateEvent(ctx, id.RoomID(o.room), event.Type{Type: o.evType, Class: event.StateEventType}, "", o.content)
		return err
	}
	_, err := c.cli.SendMessageEvent(ctx, id.RoomID(o.room), event.Type{Type: o.evType, Class: event.MessageEventType}, o.content, mautrix.ReqSendEvent{TransactionID: o.txnID})
	return err
}

// title is how a room is named in messages: its alias, else its ID.
func (c *Client) title(roomID string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r := c.rooms[roomID]; r != nil {
		return r.info().Title()
	}
	return roomID
}

// Leave leaves a room (ID or alias); the result arrives as our own
// Membership event.
func (c *Client) Leave(room, reason string) error {
	roomID, err := c.resolve(room)
	if err != nil {
		return err
	}
	ctx, cancel := c.reqCtx()
	defer cancel()
	_, err = c.cli.LeaveRoom(ctx, id.RoomID(roomID), &mautrix.ReqLeave{Reason: reason})
	if err != nil {
		return fmt.Errorf("matrix: leave %s: %w", room, err)
	}
	return nil
}

// Kick removes a member (user ID) from a room.
func (c *Client) Kick(room, userID, reason string) error {
	roomID, err := c.resolve(room)
	if err != nil {
		return err
	}
	ctx, cancel := c.reqCtx()
	defer cancel()
	if _, err := c.cli.KickUser(ctx, id.RoomID(roomID), &mautrix.ReqKickUser{UserID: id.UserID(userID), Reason: reason}); err != nil {
		return fmt.Errorf("matrix: kick %s from %s: %w", userID, room, err)
	}
	return nil
}

// Invite invites a user (user ID) to a room.
func (c *Client) Invite(room, userID string) error {
	roomID, err := c.resolve(room)
	if err != nil {
		return err
	}
	ctx, cancel := c.reqCtx()
	defer cancel()
	if _, err := c.cli.InviteUser(ctx, id.RoomID(roomID), &mautrix.ReqInviteUser{UserID: id.UserID(userID)}); err != nil {
		return fmt.Errorf("matrix: invite %s to %s: %w", userID, room, err)
	}
	return nil
}

// reqCtx is Run's context with a request timeout.
func (c *Client) reqCtx() (context.Context, context.CancelFunc) {
	c.mu.Lock()
	ctx := c.runCtx
	c.mu.Unlock()
	if ctx == nil {
		ctx = context.Background()
	}
	return context.WithTimeout(ctx, 30*time.Second)
}
