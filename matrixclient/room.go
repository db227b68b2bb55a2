package matrixclient

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// RoomInfo is a copy of one room's state as the client keeps it.
type RoomInfo struct {
	ID        string   // "!abc:example.org"
	Alias     string   // the room's canonical alias, "" if it has none
	Requested string   // the alias or ID the room was configured or joined as
	Topic     string   //
	Version   string   // room version from m.room.create
	Me        string   // our user ID
	Members   []Member // joined and invited members, highest power first, then by name
	Encrypted bool     // the room has m.room.encryption (the client refuses it)
}

// Title is how the room is named to people: the canonical alias, else the
// alias it was joined as, else its ID.
func (r RoomInfo) Title() string {
	switch {
	case r.Alias != "":
		return r.Alias
	case strings.HasPrefix(r.Requested, "#"):
		return r.Requested
	}
	return r.ID
}

// Member returns the member with userID.
func (r RoomInfo) Member(userID string) (Member, bool) {
	for _, m := range r.Members {
		if m.UserID == userID {
			return m, true
		}
	}
	return Member{}, false
}

// memberState is one m.room.member state entry.
type memberState struct {
	membership  string // join, invite, leave, ban, knock
	displayName string
}

// powerLevels is the part of m.room.power_levels the client reads.
type powerLevels struct {
	users        map[string]int
	usersDefault int
}

// room is the client's state of one room, fed with state events in the
// order the server gives them.
type room struct {
	id        string
	requested string
	alias     string
	topic     string
	version   string
	creators  map[string]bool // room-version-12 creators (nil before m.room.create, or for older versions)
	pl        powerLevels
	members   map[string]*memberState
	names     map[string]int // display name -> joined/invited members that have it
	encrypted bool
	me        string
	// mark is the newest event of the room when this client took it: our
	// own join when it joined the room, else (before its first sync) the
	// newest event the server had. Until a timeline reaches the mark
	// (awaitingMark), a sync's events up to it, or sent no later than it,
	// are history; those after it were said with gavel there.
	mark         string
	markTS       int64 // its origin_server_ts (ms)
	awaitingMark bool
}

func newRoom(id, requested, me string) *room {
	return &room{id: id, requested: requested, me: me, members: map[string]*memberState{}, names: map[string]int{}}
}

func counts(membership string) bool { return membership == "join" || membership == "invite" }

// setMember records a member's new state, keeping the display name counts.
func (r *room) setMember(userID, membership, displayName string) {
	if old, ok := r.members[userID]; ok && counts(old.membership) && old.displayName != "" {
		if r.names[old.displayName]--; r.names[old.displayName] <= 0 {
			delete(r.names, old.displayName)
		}
	}
	if membership == "" {
		delete(r.members, userID)
		return
	}
	r.members[userID] = &memberState{membership: membership, displayName: displayName}
	if counts(membership) && displayName != "" {
		r.names[displayName]++
	}
}

// name is userID's display name as Element shows it: the display name, told
// apart with the user ID when another joined or invited member has the
// same one or when it looks like a user ID; the user ID when there is none.
func (r *room) name(userID string) string {
	m, ok := r.members[userID]
	if !ok || m.displayName == "" {
		return userID
	}
	return r.disambiguate(userID, m.displayName, counts(m.membership))
}

func (r *room) disambiguate(userID, dn string, counted bool) string {
	n := r.names[dn]
	if !counted {
		n++
	}
	if n > 1 || looksLikeUserID(dn) {
		return dn + " (" + userID + ")"
	}
	return dn
}

func looksLikeUserID(s string) bool {
	return strings.HasPrefix(s, "@") && strings.Contains(s, ":")
}

// power is userID's power level.
func (r *room) power(userID string) (int, bool) {
	if r.creators[userID] {
		return CreatorPower, true
	}
	if p, ok := r.pl.users[userID]; ok {
		return p, false
	}
	return r.pl.usersDefault, false
}

// info is a copy of the room's state.
func (r *room) info() RoomInfo {
	ri := RoomInfo{ID: r.id, Alias: r.alias, Requested: r.requested, Topic: r.topic, Version: r.version, Me: r.me, Encrypted: r.encrypted}
	for uid, m := range r.members {
		if !counts(m.membership) {
			continue
		}
		p, creator := r.power(uid)
		ri.Members = append(ri.Members, Member{UserID: uid, DisplayName: m.displayName, Name: r.name(uid), Membership: m.membership, Power: p, Creator: creator})
	}
	slices.SortFunc(ri.Members, func(a, b Member) int {
		if a.Power != b.Power {
			return b.Power - a.Power
		}
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.UserID, b.UserID)
	})
	return ri
}

// stateEvent is the part of a state event the room reads.
type stateEvent struct {
	Type     string
	StateKey string
	Sender   string
	Content  json.RawMessage
}

// apply updates the room with one state event. It reports whether the
// event changed something the client tracks.
func (r *room) apply(ev stateEvent) bool {
	switch ev.Type {
	case "m.room.member":
		var c struct {
			Membership  string `json:"membership"`
			DisplayName any    `json:"displayname"`
		}
		if json.Unmarshal(ev.Content, &c) != nil || ev.StateKey == "" {
			return false
		}
		r.setMember(ev.StateKey, c.Membership, cleanName(c.DisplayName))
	case "m.room.power_levels":
		r.pl = parsePowerLevels(ev.Content)
	case "m.room.create":
		r.version, r.creators = parseCreate(ev.Sender, ev.Content)
	case "m.room.topic":
		var c struct {
			Topic any `json:"topic"`
		}
		json.Unmarshal(ev.Content, &c)
		s, _ := c.Topic.(string)
		r.topic = oneLine(s, maxTopic)
	case "m.room.canonical_alias":
		var c struct {
			Alias any `json:"alias"`
		}
		json.Unmarshal(ev.Content, &c)
		s, _ := c.Alias.(string)
		r.alias = s
	case "m.room.encryption":
		var c struct {
			Algorithm any `json:"algorithm"`
		}
		if json.Unmarshal(ev.Content, &c) == nil && c.Algorithm != nil {
			r.encrypted = true
		}
	default:
		return false
	}
	return true
}

const (
	maxTopic = 1024 // bytes of a topic kept
	maxName  = 256  // bytes of a display name kept
)

// cleanName is a display name made safe to show on one line.
func cleanName(v any) string {
	s, _ := v.(string)
	return strings.TrimSpace(oneLine(s, maxName))
}

// parsePowerLevels reads m.room.power_levels leniently: levels may be
// numbers or (in old rooms) numeric strings; anything else counts as 0.
func parsePowerLevels(content json.RawMessage) powerLevels {
	var c struct {
		Users        map[string]json.RawMessage `json:"users"`
		UsersDefault json.RawMessage            `json:"users_default"`
	}
	pl := powerLevels{users: map[string]int{}}
	if json.Unmarshal(content, &c) != nil {
		return pl
	}
	for u, v := range c.Users {
		pl.users[u] = level(v)
	}
	pl.usersDefault = level(c.UsersDefault)
	return pl
}

func level(v json.RawMessage) int {
	v = bytes.TrimSpace(v)
	if len(v) > 1 && v[0] == '"' {
		var s string
		json.Unmarshal(v, &s)
		v = []byte(strings.TrimSpace(s))
	}
	f, err := strconv.ParseFloat(string(v), 64)
	if err != nil || f != f {
		return 0
	}
	switch {
	case f > 1<<31-2:
		return 1<<31 - 2
	case f < -(1 << 31):
		return -(1 << 31)
	}
	return int(f)
}

// parseCreate reads m.room.create: the room version ("1" when absent) and,
// for versions that give creators unlimited power (12 and later), the
// creators: the create event's sender and additional_creators.
func parseCreate(sender string, content json.RawMessage) (string, map[string]bool) {
	var c struct {
		RoomVersion        any   `json:"room_version"`
		AdditionalCreators []any `json:"additional_creators"`
	}
	json.Unmarshal(content, &c)
	version, _ := c.RoomVersion.(string)
	if version == "" {
		version = "1"
	}
	if !creatorsHavePower(version) {
		return version, nil
	}
	creators := map[string]bool{}
	if sender != "" {
		creators[sender] = true
	}
	for _, a := range c.AdditionalCreators {
		if s, ok := a.(string); ok && s != "" {
			creators[s] = true
		}
	}
	return version, creators
}

// creatorsHavePower reports whether room version v gives its creators
// power above every level: version 12 and later, and the unstable
// identifier of version 12's design.
func creatorsHavePower(v string) bool {
	if v == "org.matrix.hydra.11" {
		return true
	}
	n, err := strconv.Atoi(v)
	return err == nil && n >= 12
}
