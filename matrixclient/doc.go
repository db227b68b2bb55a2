// Package matrixclient is gavel's Matrix connection: the chair's own Matrix
// account on a homeserver, built on maunium.net/go/mautrix for the
// client-server API calls (login, join, sync, send, /messages) without its
// end-to-end encryption (no cgo). The sync loop, the typed events, the
// per-room state and the send lanes are written here.
//
// Use:
//
//	c, err := matrixclient.New(cfg, logger)
//	go c.Run(ctx)               // logs in (once), joins, syncs, reconnects
//	for ev := range c.Events() { // one ordered stream of typed events
//		switch ev := ev.(type) {
//		case matrixclient.Message: ...
//		case matrixclient.State: ...
//		}
//	}
//
// Session: the first Run logs in with the password and keeps the device ID,
// the access token and the sync token in Config.StateDir (mode 0600); a
// restart reuses them, so it neither creates a device nor runs old events.
// With an access token from a file there is no login at all.
//
// Events are never dropped: the sync loop hands them to an unbounded queue
// that feeds the buffered Events channel, in the order of the room's
// timeline. Each event is delivered once per Client (keyed by event ID).
//
// Our own events (sent with Say, Notice, Emote, SetTopic, Answer) come back
// as exactly one event each with Sender.Self: the server's echo in the
// sync, matched to the send by its transaction ID.
//
// Room state is the client's: members with display names (told apart as
// Element does when two share a name) and power levels (room-version-12
// creators from m.room.create), the topic, the canonical alias and our
// user ID; Room returns a copy.
//
// History: the events of a room up to its mark carry Meta.History; show
// them, never run them as a meeting. The mark is the newest event when the
// client took the room: our join when it joined the room, or, in a room it
// was in before its very first sync (no sync token yet), the newest event
// the server had then; what is said after the room was announced (Joined)
// is never history. The very first sync asks for a short
// timeline (Config.FirstTimelineLimit) with lazy-loaded members; later ones
// for up to Config.TimelineLimit events a room (1000), so what was said
// while gavel was down comes back in one round trip. When a sync's
// timeline is limited (events were left out), the client pages back with
// /messages to the last event it delivered for the room (or to the one
// given with SetLastKnown), so the events missed arrive in order with
// their server timestamps, not marked as history.
//
// Encrypted rooms are refused: the client leaves them and reports one
// Error naming the room. A wrong homeserver URL, a refused login or a room
// that cannot be joined is one clear error, never retried; at start, a
// homeserver that cannot be reached at all counts as a wrong URL. Once
// the session works, transient failures (network, 5xx, 429 with
// retry_after_ms) are retried with capped exponential backoff.
//
// Sending goes through two lanes, as in ircclient: the high lane (Say,
// Notice, Emote, SetTopic) is always served before the low lane of lookup
// answers (Answer).
package matrixclient
