package matrixclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"gavel/internal/eventq"
)

// Client is one Matrix account's connection. Create it with New, start it
// with Run, read Events. All methods are safe for concurrent use.
type Client struct {
	cfg    Config
	log    *slog.Logger
	cli    *mautrix.Client
	events *eventq.Queue[Event]
	sendq  *sendQueue
	lim    limits
	ran    atomic.Bool
	txnSeq atomic.Uint64
	txnPfx string

	// joining is held (shared) by each join from its /join until the room
	// is registered, and (exclusively) while a sync response is
	// processed: a response that has a room just joined waits for it,
	// rather than dropping its events.
	joining sync.RWMutex

	mu        sync.Mutex
	sess      session
	rooms     map[string]*room    // room ID -> room we are in
	refs      map[string]string   // alias or requested ref -> room ID
	seen      map[string]*seenSet // room ID -> delivered event IDs
	lastKnown map[string]string   // room ID or ref -> event ID given by SetLastKnown
	runCtx    context.Context
	kickSync  context.CancelFunc // ends the sync request in flight (the rooms changed)
	loggedIn  bool
	dropped   atomic.Uint64
}

// New checks cfg and returns a client; it does not connect. log may be nil.
func New(cfg Config, log *slog.Logger) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.defaults()
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	cli, err := mautrix.NewClient(cfg.Homeserver, id.UserID(cfg.UserID), "")
	if err != nil {
		return nil, fmt.Errorf("matrix: homeserver %q: %w", cfg.Homeserver, err)
	}
	cli.Client = cfg.HTTPClient
	cli.DefaultHTTPRetries = 0 // the client retries itself, honouring retry_after_ms
	cli.IgnoreRateLimit = true
	cli.UserAgent = "gavel"
	c := &Client{
		cfg:       cfg,
		log:       log.With("matrix", cfg.UserID),
		cli:       cli,
		events:    eventq.New[Event](cfg.EventBuffer, log),
		sendq:     newSendQueue(),
		lim:       limits{maxBytes: cfg.MaxBody, maxLines: cfg.MaxLines},
		txnPfx:    fmt.Sprintf("gavel%d", time.Now().UnixNano()),
		rooms:     map[string]*room{},
		refs:      map[string]string{},
		seen:      map[string]*seenSet{},
		lastKnown: map[string]string{},
	}
	return c, nil
}

// Events is the single ordered stream of events. It is closed after Run
// returns (the last event is a State with State == Stopped).
func (c *Client) Events() <-chan Event { return c.events.Out() }

// UserID is our user ID.
func (c *Client) UserID() string { return c.cfg.UserID }

// DeviceID is our device ID ("" before the session is known).
func (c *Client) DeviceID() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sess.DeviceID
}

// Dropped counts room events of rooms the client was not configured for.
func (c *Client) Dropped() uint64 { return c.dropped.Load() }

// Room returns the state of the room with this ID or alias.
func (c *Client) Room(ref string) (RoomInfo, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.roomLocked(ref)
	if r == nil {
		return RoomInfo{}, false
	}
	return r.info(), true
}

// Rooms returns the state of every room we are in, by title.
func (c *Client) Rooms() []RoomInfo {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []RoomInfo
	for _, r := range c.rooms {
		out = append(out, r.info())
	}
	slices.SortFunc(out, func(a, b RoomInfo) int { return strings.Compare(a.Title(), b.Title()) })
	return out
}

func (c *Client) roomLocked(ref string) *room {
	if r, ok := c.rooms[ref]; ok {
		return r
	}
	if id, ok := c.refs[ref]; ok {
		return c.rooms[id]
	}
	return nil
}

// SetLastKnown says that every event of room (ID or alias) up to eventID has
// been consumed (journalled): on its next sync the client pages back with
// /messages to that event and delivers every later event it has not
// delivered yet, in order. Call it before Run to resume a meeting after a
// crash.
func (c *Client) SetLastKnown(room, eventID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lastKnown[room] = eventID
}

// Ack says that the consumer has kept (journalled) every event of room
// (an ID) up to eventID. It is saved with the sync position; when the
// client restarts after a crash with events delivered but not acked, it
// pages back to the last acked event and delivers the rest again, in
// order (the consumer drops what it had kept after all).
func (c *Client) Ack(room, eventID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sess.Acked == nil {
		c.sess.Acked = map[string]string{}
	}
	c.sess.Acked[room] = eventID
}

func (c *Client) emit(ev Event) { c.events.Push(ev) }

func (c *Client) errorf(room string, format string, args ...any) {
	err := fmt.Errorf(format, args...)
	c.log.Warn(err.Error())
	c.emit(Error{Time: time.Now(), Room: room, Err: err})
}

// Run logs in (or resumes the saved session), joins the rooms and syncs
// until ctx is cancelled, which makes it return nil. A permanent refusal
// (a wrong homeserver URL, password or token) ends it with that error.
// Run may be called once.
func (c *Client) Run(ctx context.Context) (err error) {
	if !c.ran.CompareAndSwap(false, true) {
		return ErrAlreadyRunning
	}
	// After Run, a consumer that stopped reading has two seconds for the
	// events left before they are dropped and Events closes.
	go c.events.Pump(2 * time.Second)
	defer func() {
		if ctx.Err() != nil && !IsPermanent(err) {
			err = nil
		}
		c.sendq.close()
		c.mu.Lock()
		sess, saved := c.sess, c.loggedIn
		sess.Last, sess.Acked = maps(c.sess.Last), maps(c.sess.Acked)
		c.mu.Unlock()
		if saved {
			sess.save(c.cfg.StateDir) // the acks since the last sync
		}
		c.emit(State{Time: time.Now(), State: Stopped, Server: c.cfg.Homeserver, Err: err})
		c.events.Close()
	}()
	c.emit(State{Time: time.Now(), State: Connecting, Server: c.cfg.Homeserver})
	if err := c.start(ctx); err != nil {
		return err
	}
	c.mu.Lock()
	c.runCtx = ctx
	c.loggedIn = true
	dev := c.sess.DeviceID
	c.mu.Unlock()
	c.emit(State{Time: time.Now(), State: LoggedIn, Server: c.cfg.Homeserver, UserID: c.cfg.UserID, DeviceID: dev})
	go c.sendLoop(ctx)
	c.joinAll(ctx)
	return c.syncLoop(ctx)
}

// start checks that the URL is a homeserver and gets a working session.
func (c *Client) start(ctx context.Context) error {
	bo := backoff{min: c.cfg.MinBackoff, max: c.cfg.MaxBackoff}
	for {
		err := c.contact(ctx)
		if err == nil {
			break
		}
		if IsPermanent(err) || ctx.Err() != nil {
			return err
		}
		if err := c.wait(ctx, &bo, err); err != nil {
			return err
		}
	}
	sess, err := loadSession(c.cfg.StateDir)
	if err != nil {
		return permanent(err)
	}
	if sess.Homeserver != c.cfg.Homeserver || sess.UserID != c.cfg.UserID {
		sess = session{Homeserver: c.cfg.Homeserver, UserID: c.cfg.UserID}
	}
	c.mu.Lock()
	c.sess = sess
	// Rooms with events delivered but not acked before we stopped: page
	// back to the last acked one (unless SetLastKnown said otherwise).
	for room, acked := range sess.Acked {
		if _, given := c.lastKnown[room]; !given && acked != "" && acked != sess.Last[room] {
			c.lastKnown[room] = acked
		}
	}
	c.mu.Unlock()
	for {
		err := c.login(ctx)
		if err == nil {
			return nil
		}
		if IsPermanent(err) || ctx.Err() != nil {
			return err
		}
		if err := c.wait(ctx, &bo, err); err != nil {
			return err
		}
	}
}

// wait reports Reconnecting and sleeps the backoff (or a 429's retry_after_ms).
func (c *Client) wait(ctx context.Context, bo *backoff, cause error) error {
	asked, _ := retryAfter(cause)
	d := bo.next(asked)
	c.log.Info("matrix: retrying", "in", d, "err", cause)
	c.emit(State{Time: time.Now(), State: Reconnecting, Server: c.cfg.Homeserver, Attempt: bo.attempt, Delay: d, Err: cause})
	return sleep(ctx, d)
}

// contact asks the homeserver for its versions: a URL that is no Matrix
// homeserver, or that cannot be reached at all, is a permanent error.
func (c *Client) contact(ctx context.Context) error {
	_, err := c.cli.Versions(ctx)
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	_, status := errCode(err)
	switch {
	case status == 0:
		var he mautrix.HTTPError
		if errors.As(err, &he) && he.WrappedError != nil && he.Response == nil {
			return permanent(fmt.Errorf("matrix: cannot reach homeserver %s: %w", c.cfg.Homeserver, he.WrappedError))
		}
		return permanent(fmt.Errorf("matrix: %s is not a Matrix homeserver: %w", c.cfg.Homeserver, err))
	case status >= 500 || status == 429 || status == 408:
		return fmt.Errorf("matrix: homeserver %s: %w", c.cfg.Homeserver, err)
	}
	return permanent(fmt.Errorf("matrix: %s is not a Matrix homeserver (GET /_matrix/client/versions: %w)", c.cfg.Homeserver, err))
}

// login gets a working session: the access token file's, the saved one
// (checked with whoami), or a password login that reuses the saved device ID.
func (c *Client) login(ctx context.Context) error {
	c.mu.Lock()
	sess := c.sess
	c.mu.Unlock()
	if c.cfg.AccessTokenFile != "" {
		tok, err := c.cfg.accessToken()
		if err != nil {
			return permanent(err)
		}
		c.cli.UserID, c.cli.AccessToken = id.UserID(c.cfg.UserID), tok
		who, err := c.cli.Whoami(ctx)
		if err != nil {
			if code, _ := errCode(err); code == "M_UNKNOWN_TOKEN" || code == "M_MISSING_TOKEN" {
				return permanent(fmt.Errorf("matrix: the access token in %s is not valid on %s (%s)", c.cfg.AccessTokenFile, c.cfg.Homeserver, code))
			}
			return c.classify("check access token", err)
		}
		if string(who.UserID) != c.cfg.UserID {
			return permanent(fmt.Errorf("matrix: the access token in %s belongs to %s, not %s", c.cfg.AccessTokenFile, who.UserID, c.cfg.UserID))
		}
		sess.DeviceID, sess.AccessToken = string(who.DeviceID), ""
		c.cli.DeviceID = who.DeviceID
		return c.setSession(sess)
	}
	if sess.AccessToken != "" {
		c.cli.UserID, c.cli.AccessToken = id.UserID(c.cfg.UserID), sess.AccessToken
		c.cli.DeviceID = id.DeviceID(sess.DeviceID)
		_, err := c.cli.Whoami(ctx)
		if err == nil {
			return nil
		}
		if code, _ := errCode(err); code != "M_UNKNOWN_TOKEN" && code != "M_MISSING_TOKEN" {
			return c.classify("check saved session", err)
		}
		c.log.Info("matrix: saved access token no longer valid; logging in again with the same device", "device", sess.DeviceID)
		c.cli.ClearCredentials()
	}
	pw, err := c.cfg.password()
	if err != nil {
		return permanent(err)
	}
	resp, err := c.cli.Login(ctx, &mautrix.ReqLogin{
		Type:                     mautrix.AuthTypePassword,
		Identifier:               mautrix.UserIdentifier{Type: mautrix.IdentifierTypeUser, User: c.cfg.UserID},
		Password:                 pw,
		DeviceID:                 id.DeviceID(sess.DeviceID),
		InitialDeviceDisplayName: c.cfg.DeviceName,
	})
	if err != nil {
		code, status := errCode(err)
		if code == "M_FORBIDDEN" || (status >= 400 && status < 500 && status != 429 && status != 408) {
			return permanent(fmt.Errorf("matrix: login as %s on %s refused: wrong user ID or password? (%w)", c.cfg.UserID, c.cfg.Homeserver, err))
		}
		return c.classify("login", err)
	}
	if string(resp.UserID) != c.cfg.UserID {
		return permanent(fmt.Errorf("matrix: logged in as %s, not %s", resp.UserID, c.cfg.UserID))
	}
	c.cli.UserID, c.cli.AccessToken = resp.UserID, resp.AccessToken
	c.cli.DeviceID = resp.DeviceID
	if sess.DeviceID != string(resp.DeviceID) {
		sess.Since, sess.Last = "", nil // a new device has no sync position
	}
	sess.DeviceID, sess.AccessToken = string(resp.DeviceID), resp.AccessToken
	return c.setSession(sess)
}

func (c *Client) setSession(s session) error {
	c.mu.Lock()
	c.sess = s
	c.mu.Unlock()
	if err := s.save(c.cfg.StateDir); err != nil {
		return permanent(err)
	}
	return nil
}

// classify wraps err: permanent unless retrying may help.
func (c *Client) classify(what string, err error) error {
	err = fmt.Errorf("matrix: %s: %w", what, err)
	if transient(err) {
		return err
	}
	return permanent(err)
}

// joinAll joins the configured rooms (those not joined yet) and loads
// their state.
func (c *Client) joinAll(ctx context.Context) {
	joined := map[string]bool{}
	if resp, err := c.cli.JoinedRooms(ctx); err == nil {
		for _, r := range resp.JoinedRooms {
			joined[string(r)] = true
		}
	}
	// Several rooms at a time: each alias resolved, room joined and state
	// read waits on the homeserver, not on us. (Dendrite makes its joins
	// one at a time whatever the number in flight; the reads go on beside
	// them.)
	refs := make(chan string)
	var wg sync.WaitGroup
	for range min(joinConcurrency, len(c.cfg.Rooms)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ref := range refs {
				c.join(ctx, ref, joined)
			}
		}()
	}
	for _, ref := range c.cfg.Rooms {
		if ctx.Err() != nil {
			break
		}
		refs <- ref
	}
	close(refs)
	wg.Wait()
}

// joinConcurrency is how many rooms are joined at once at start.
const joinConcurrency = 8

// Join joins a room (alias or ID) while running; the result arrives as a
// Joined or an Error event.
func (c *Client) Join(ref string) error {
	if err := checkRoomRef(ref); err != nil {
		return err
	}
	c.mu.Lock()
	ctx := c.runCtx
	c.mu.Unlock()
	if ctx == nil {
		return ErrNotRunning
	}
	go c.join(ctx, ref, nil)
	return nil
}

// join joins one room, retrying transient failures a few times; a
// permanent refusal or an encrypted room is one Error event.
func (c *Client) join(ctx context.Context, ref string, joined map[string]bool) {
	bo := backoff{min: c.cfg.MinBackoff, max: c.cfg.MaxBackoff}
	for attempt := 0; ; attempt++ {
		err := c.joinOnce(ctx, ref, joined)
		if err == nil || ctx.Err() != nil {
			return
		}
		if IsPermanent(err) || attempt >= 4 {
			c.errorf(ref, "%w", err)
			return
		}
		asked, _ := retryAfter(err)
		if sleep(ctx, bo.next(asked)) != nil {
			return
		}
	}
}

func (c *Client) joinOnce(ctx context.Context, ref string, joined map[string]bool) error {
	c.joining.RLock()
	defer c.joining.RUnlock()
	roomID := ref
	if strings.HasPrefix(ref, "#") {
		res, err := c.cli.ResolveAlias(ctx, id.RoomAlias(ref))
		if err != nil {
			if code, _ := errCode(err); code == "M_NOT_FOUND" {
				return permanent(fmt.Errorf("matrix: cannot join %s: no such room alias", ref))
			}
			return c.joinErr(ref, err)
		}
		roomID = string(res.RoomID)
	}
	fresh := false
	if !joined[roomID] {
		res, err := c.cli.JoinRoom(ctx, ref, nil)
		if err != nil {
			return c.joinErr(ref, err)
		}
		roomID = string(res.RoomID)
		fresh = true
	}
	state, err := c.cli.StateAsArray(ctx, id.RoomID(roomID))
	if err != nil {
		return c.joinErr(ref, err)
	}
	r := newRoom(roomID, ref, c.cfg.UserID)
	for _, e := range state {
		if e.StateKey == nil {
			continue
		}
		r.apply(stateEvent{Type: e.Type.Type, StateKey: *e.StateKey, Sender: string(e.Sender), Content: e.Content.VeryRaw})
		if fresh && e.Type.Type == "m.room.member" && *e.StateKey == c.cfg.UserID {
			r.mark, r.markTS = string(e.ID), e.Timestamp
		}
	}
	c.mu.Lock()
	firstSync := c.sess.Since == ""
	c.mu.Unlock()
	if !fresh && firstSync {
		// A room we were in, before our first sync: its timeline there
		// is the room's past up to now, and what is said from now on
		// (the room is announced below) is not.
		newest, err := c.cli.Messages(ctx, id.RoomID(roomID), "", "", mautrix.DirectionBackward, nil, 1)
		if err != nil {
			return c.joinErr(ref, err)
		}
		if len(newest.Chunk) > 0 {
			r.mark, r.markTS = string(newest.Chunk[0].ID), newest.Chunk[0].Timestamp
		}
	}
	r.awaitingMark = r.mark != ""
	if r.encrypted {
		c.refuseEncrypted(ctx, r)
		return nil
	}
	c.mu.Lock()
	c.rooms[roomID] = r
	c.refs[ref] = roomID
	if r.alias != "" {
		c.refs[r.alias] = roomID
	}
	if c.seen[roomID] == nil {
		c.seen[roomID] = newSeenSet()
	}
	info := r.info()
	kick := c.kickSync
	c.mu.Unlock()
	c.emit(Joined{Meta: Meta{Room: roomID, Time: time.Now().UTC()}, Room: info})
	if kick != nil {
		kick() // a long poll in flight does not ask for this room yet
	}
	return nil
}

func (c *Client) joinErr(ref string, err error) error {
	code, status := errCode(err)
	if status >= 400 && status < 500 && status != 429 && status != 408 {
		return permanent(fmt.Errorf("matrix: cannot join %s: %s", ref, refusal(code, err)))
	}
	return fmt.Errorf("matrix: join %s: %w", ref, err)
}

// refusal is a homeserver's refusal in words.
func refusal(code string, err error) string {
	var he mautrix.HTTPError
	msg := ""
	if errors.As(err, &he) && he.RespError != nil {
		msg = he.RespError.Err
	}
	switch code {
	case "M_FORBIDDEN":
		if msg == "" {
			msg = "not allowed"
		}
		return "refused (" + msg + ")"
	case "M_NOT_FOUND":
		return "no such room"
	}
	if msg != "" {
		return msg + " (" + code + ")"
	}
	return err.Error()
}

// refuseEncrypted leaves an encrypted room and reports it.
func (c *Client) refuseEncrypted(ctx context.Context, r *room) {
	name := r.requested
	if r.alias != "" && r.alias != name {
		name += " (" + r.alias + ")"
	}
	c.mu.Lock()
	delete(c.rooms, r.id)
	for k, v := range c.refs {
		if v == r.id {
			delete(c.refs, k)
		}
	}
	c.mu.Unlock()
	c.cli.LeaveRoom(ctx, id.RoomID(r.id))
	c.emit(Error{Time: time.Now(), Room: r.id, Err: fmt.Errorf("matrix: room %s is end-to-end encrypted; gavel left it: %w", name, ErrEncrypted)})
}

// filter is the inline sync filter: our rooms only, timeline limit, no
// presence, ephemeral or account data. The very first sync (first) has
// the smaller timeline limit (its timeline is history) and lazy-loaded
// members (each room's whole state was loaded when it was joined).
func (c *Client) filter(first bool) string {
	c.mu.Lock()
	ids := make([]string, 0, len(c.rooms))
	for id := range c.rooms {
		ids = append(ids, id)
	}
	c.mu.Unlock()
	slices.Sort(ids)
	none := map[string]any{"not_types": []string{"*"}}
	room := map[string]any{
		"rooms":        ids,
		"timeline":     map[string]any{"limit": c.cfg.TimelineLimit},
		"ephemeral":    none,
		"account_data": none,
	}
	if first {
		room["timeline"] = map[string]any{"limit": c.cfg.FirstTimelineLimit}
		room["state"] = map[string]any{"lazy_load_members": true}
	}
	f := map[string]any{"presence": none, "account_data": none, "room": room}
	b, _ := json.Marshal(f)
	return string(b)
}

// syncLoop syncs until ctx ends or a permanent error.
func (c *Client) syncLoop(ctx context.Context) error {
	c.mu.Lock()
	since := c.sess.Since
	c.mu.Unlock()
	first := since == ""
	bo := backoff{min: c.cfg.MinBackoff, max: c.cfg.MaxBackoff}
	announce := true
	relogged := false
	for ctx.Err() == nil {
		timeout := c.cfg.SyncTimeout
		if announce {
			timeout = 0 // catching up: return at once with what is there
		}
		sctx, kick := context.WithCancel(ctx)
		c.mu.Lock()
		c.kickSync = kick
		c.mu.Unlock()
		resp, err := c.cli.FullSyncRequest(sctx, mautrix.ReqSync{Timeout: int(timeout / time.Millisecond), Since: since, FilterID: c.filter(first)})
		kicked := sctx.Err() != nil
		kick()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if kicked {
				continue // the rooms changed: sync again with the new filter
			}
			if code, _ := errCode(err); (code == "M_UNKNOWN_TOKEN" || code == "M_MISSING_TOKEN") && !relogged && c.cfg.AccessTokenFile == "" {
				relogged = true
				c.mu.Lock()
				c.sess.AccessToken = ""
				c.mu.Unlock()
				if err := c.login(ctx); err != nil {
					if IsPermanent(err) || ctx.Err() != nil {
						return err
					}
					relogged = false // try the login again after the wait
					if c.wait(ctx, &bo, err) != nil {
						return nil
					}
				}
				continue
			}
			if !transient(err) {
				return permanent(fmt.Errorf("matrix: sync: %w", err))
			}
			announce = true
			if err := c.wait(ctx, &bo, fmt.Errorf("matrix: sync: %w", err)); err != nil {
				return nil
			}
			continue
		}
		relogged = false
		bo.reset()
		c.process(ctx, resp, since, first)
		if announce {
			announce = false
			c.emit(State{Time: time.Now(), State: Synced, Server: c.cfg.Homeserver, UserID: c.cfg.UserID, DeviceID: c.DeviceID()})
		}
		since, first = resp.NextBatch, false
		c.mu.Lock()
		c.sess.Since = since
		sess := c.sess
		sess.Last, sess.Acked = maps(c.sess.Last), maps(c.sess.Acked)
		c.mu.Unlock()
		if err := sess.save(c.cfg.StateDir); err != nil {
			c.errorf("", "%w", err)
		}
	}
	return nil
}

func maps(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// process delivers one sync response's room events, in timeline order, room by room.
func (c *Client) process(ctx context.Context, resp *mautrix.RespSync, since string, first bool) {
	c.joining.Lock()
	defer c.joining.Unlock()
	ids := make([]string, 0, len(resp.Rooms.Join))
	for id := range resp.Rooms.Join {
		ids = append(ids, string(id))
	}
	slices.Sort(ids)
	for _, rid := range ids {
		jr := resp.Rooms.Join[id.RoomID(rid)]
		c.mu.Lock()
		r := c.rooms[rid]
		c.mu.Unlock()
		if r == nil {
			c.dropped.Add(uint64(len(jr.Timeline.Events)))
			continue
		}
		c.processRoom(ctx, r, jr, since, first)
	}
	// Rooms with a last known event that this sync did not mention: page
	// back from where the sync started.
	if since != "" {
		c.mu.Lock()
		var pending []*room
		for ref := range c.lastKnown {
			if r := c.roomLocked(ref); r != nil && resp.Rooms.Join[id.RoomID(r.id)] == nil {
				pending = append(pending, r)
			}
		}
		c.mu.Unlock()
		for _, r := range pending {
			c.fillGap(ctx, r, since, nil)
		}
	}
	for rid, lr := range resp.Rooms.Leave {
		c.mu.Lock()
		r := c.rooms[string(rid)]
		c.mu.Unlock()
		if r == nil {
			continue
		}
		for _, e := range lr.Timeline.Events {
			c.deliver(r, e, how{})
		}
		c.mu.Lock()
		delete(c.rooms, string(rid))
		c.mu.Unlock()
	}
}

func (c *Client) processRoom(ctx context.Context, r *room, jr *mautrix.SyncJoinedRoom, since string, first bool) {
	c.mu.Lock()
	for _, e := range jr.State.Events {
		if e.StateKey != nil {
			r.apply(stateEvent{Type: e.Type.Type, StateKey: *e.StateKey, Sender: string(e.Sender), Content: e.Content.VeryRaw})
		}
	}
	c.mu.Unlock()
	if !first {
		from := jr.Timeline.PrevBatch
		if from == "" {
			from = since
		}
		c.fillGap(ctx, r, from, jr)
	}
	// Until a timeline reaches the room's mark, its events up to the mark
	// are history (Dendrite may send a room just joined before its
	// timeline reaches the join: then those sent before the mark by the
	// server's clock are). A room without a mark in the very first sync
	// (none could be read) has only history there.
	marked := r.awaitingMark
	at := -1
	if marked {
		for i, e := range jr.Timeline.Events {
			if string(e.ID) == r.mark {
				at = i
			}
		}
		r.awaitingMark = at < 0
	}
	if first && marked && at < 0 && jr.Timeline.Limited && len(jr.Timeline.Events) > 0 &&
		jr.Timeline.Events[0].Timestamp > r.markTS {
		// The very first sync's window begins after the mark: the lines
		// between were said with gavel there; page back to the mark.
		c.mu.Lock()
		_, byID := c.lastKnown[r.id]
		_, byRef := c.lastKnown[r.requested]
		if !byID && !byRef { // else SetLastKnown's event is where to page back to
			c.lastKnown[r.id] = r.mark
		}
		c.mu.Unlock()
		c.fillGap(ctx, r, jr.Timeline.PrevBatch, jr)
	}
	if c.log.Enabled(ctx, slog.LevelDebug) {
		c.log.Debug("matrix: timeline", "room", r.id, "events", len(jr.Timeline.Events), "limited", jr.Timeline.Limited,
			"first", first, "mark", r.mark, "mark_index", at, "awaiting_mark", r.awaitingMark)
	}
	for i, e := range jr.Timeline.Events {
		history := first
		if marked {
			history = i <= at || at < 0 && e.Timestamp <= r.markTS
		}
		h := how{history: history}
		if c.deliver(r, e, h) {
			c.refuseEncrypted(ctx, r)
			return
		}
	}
}

// fillGap pages back from `from` to the room's last known event when the
// timeline jr was limited (or a SetLastKnown asks for it) and delivers the
// events missed, oldest first.
func (c *Client) fillGap(ctx context.Context, r *room, from string, jr *mautrix.SyncJoinedRoom) {
	c.mu.Lock()
	target, explicit := c.lastKnown[r.id]
	if !explicit {
		target, explicit = c.lastKnown[r.requested]
	}
	if explicit {
		delete(c.lastKnown, r.id)
		delete(c.lastKnown, r.requested)
		if r.alias != "" {
			delete(c.lastKnown, r.alias)
		}
	} else {
		target = c.sess.Last[r.id]
	}
	c.mu.Unlock()
	limited := jr != nil && jr.Timeline.Limited
	if target == "" || from == "" || (!explicit && !limited) {
		return
	}
	if jr != nil {
		for _, e := range jr.Timeline.Events {
			if string(e.ID) == target {
				return // no gap: the timeline reaches back to it
			}
		}
	}
	var got []*event.Event
	found := false
	bo := backoff{min: c.cfg.MinBackoff, max: c.cfg.MaxBackoff}
	for page := 0; page < c.cfg.MaxBackfillPages && from != "" && !found; {
		resp, err := c.cli.Messages(ctx, id.RoomID(r.id), from, "", mautrix.DirectionBackward, nil, backfillPage)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			if transient(err) && bo.attempt < 5 {
				asked, _ := retryAfter(err)
				if sleep(ctx, bo.next(asked)) != nil {
					return
				}
				continue
			}
			c.errorf(r.id, "matrix: %s: reading the events missed: %w", r.info().Title(), err)
			break
		}
		page++
		for _, e := range resp.Chunk {
			if string(e.ID) == target {
				found = true
				break
			}
			got = append(got, e)
		}
		if len(resp.Chunk) == 0 || resp.End == "" {
			break
		}
		from = resp.End
	}
	if !found {
		c.errorf(r.id, "matrix: %s: the last known event %s was not found within %d events; delivering those found", r.info().Title(), target, len(got))
	}
	slices.Reverse(got)
	for _, e := range got {
		c.deliver(r, e, how{backfill: true})
	}
}

// deliver converts and emits one event once; it reports true when the
// event turned on encryption in the room.
func (c *Client) deliver(r *room, e *event.Event, h how) (encrypted bool) {
	c.mu.Lock()
	seen := c.seen[r.id]
	if seen == nil {
		seen = newSeenSet()
		c.seen[r.id] = seen
	}
	if seen.has(string(e.ID)) {
		c.mu.Unlock()
		return false
	}
	seen.add(string(e.ID))
	wasEncrypted := r.encrypted
	ev := r.convert(e, h, c.lim)
	if c.sess.Last == nil {
		c.sess.Last = map[string]string{}
	}
	c.sess.Last[r.id] = string(e.ID)
	if r.alias != "" {
		c.refs[r.alias] = r.id
	}
	c.mu.Unlock()
	if ev != nil {
		c.emit(ev)
	}
	return r.encrypted && !wasEncrypted
}

// backfillPage is how many events one /messages request asks for.
const backfillPage = 1000
