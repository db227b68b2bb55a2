package matrixclient

import (
	"encoding/json"
	"strings"
	"time"

	"maunium.net/go/mautrix/event"
)

// how says how an event reached the client.
type how struct {
	history  bool // from before we joined, or the very first sync
	backfill bool // fetched with /messages after a limited sync: state is not applied
}

// messageContent is the part of an m.room.message the client reads; the
// fields are loose so that bad input gives a placeholder, not an error.
type messageContent struct {
	MsgType    any             `json:"msgtype"`
	Body       any             `json:"body"`
	FileName   any             `json:"filename"`
	RelatesTo  *relatesTo      `json:"m.relates_to"`
	NewContent json.RawMessage `json:"m.new_content"`
}

type relatesTo struct {
	RelType   any `json:"rel_type"`
	EventID   any `json:"event_id"`
	InReplyTo *struct {
		EventID any `json:"event_id"`
	} `json:"m.in_reply_to"`
}

func str(v any) string { s, _ := v.(string); return s }

// convert turns one room event into the client's event (nil for events the
// client does not report), applying state events to the room first unless
// the event is backfill.
func (r *room) convert(evt *event.Event, h how, lim limits) Event {
	meta := Meta{Room: r.id, EventID: string(evt.ID), Time: time.UnixMilli(evt.Timestamp).UTC(), History: h.history, Backfill: h.backfill}
	sender := func() Sender {
		uid := string(evt.Sender)
		return Sender{UserID: uid, Name: r.name(uid), Self: uid == r.me}
	}
	content := []byte(evt.Content.VeryRaw)
	if len(content) == 0 {
		content = []byte("{}")
	}
	typ := evt.Type.Type
	if evt.StateKey != nil {
		se := stateEvent{Type: typ, StateKey: *evt.StateKey, Sender: string(evt.Sender), Content: content}
		switch typ {
		case "m.room.member":
			return r.membership(evt, se, meta, h, sender())
		case "m.room.topic":
			s := sender()
			if !h.backfill {
				r.apply(se)
			}
			var c struct {
				Topic any `json:"topic"`
			}
			json.Unmarshal(content, &c)
			return Topic{Meta: meta, Sender: s, Text: oneLine(str(c.Topic), maxTopic)}
		case "m.room.power_levels":
			s := sender()
			if h.backfill {
				return nil
			}
			r.apply(se)
			return PowerLevels{Meta: meta, Sender: s, Members: r.info().Members}
		default:
			if !h.backfill {
				r.apply(se)
			}
			return nil
		}
	}
	switch typ {
	case "m.room.redaction":
		redacts := string(evt.Redacts)
		var c struct {
			Redacts any `json:"redacts"`
			Reason  any `json:"reason"`
		}
		json.Unmarshal(content, &c)
		if redacts == "" {
			redacts = str(c.Redacts)
		}
		if redacts == "" {
			return nil
		}
		return Redaction{Meta: meta, Sender: sender(), Redacts: redacts, Reason: oneLine(str(c.Reason), 512)}
	case "m.sticker":
		var c messageContent
		json.Unmarshal(content, &c)
		return Placeholder{Meta: meta, Sender: sender(), MsgType: "m.sticker", Text: placeholderText("sticker", str(c.Body))}
	case "m.room.message":
		return r.message(evt, content, meta, sender(), lim)
	case "m.room.encrypted":
		return Placeholder{Meta: meta, Sender: sender(), MsgType: "m.room.encrypted", Text: "[encrypted message]"}
	}
	return nil
}

func (r *room) message(evt *event.Event, content []byte, meta Meta, s Sender, lim limits) Event {
	if evt.Unsigned.RedactedBecause != nil {
		return Placeholder{Meta: meta, Sender: s, Text: "[redacted]"}
	}
	var c messageContent
	if err := json.Unmarshal(content, &c); err != nil {
		return Placeholder{Meta: meta, Sender: s, Text: "[unreadable message]"}
	}
	msgType := str(c.MsgType)
	kind, ok := kindOf(msgType)
	body, isText := c.Body.(string)
	if ok && !isText {
		return Placeholder{Meta: meta, Sender: s, MsgType: msgType, Text: "[message without text]"}
	}
	if !ok {
		return Placeholder{Meta: meta, Sender: s, MsgType: msgType, Text: placeholderFor(msgType, c)}
	}
	names := func(uid string) (string, bool) {
		if _, ok := r.members[uid]; !ok {
			return "", false
		}
		return LogName(r.name(uid)), true // one word, as the member speaks
	}
	if c.RelatesTo != nil && str(c.RelatesTo.RelType) == "m.replace" && str(c.RelatesTo.EventID) != "" {
		e := Edit{Meta: meta, Sender: s, Original: str(c.RelatesTo.EventID), Kind: kind}
		var nc messageContent
		if len(c.NewContent) > 0 && json.Unmarshal(c.NewContent, &nc) == nil {
			if b, ok := nc.Body.(string); ok {
				if k, ok := kindOf(str(nc.MsgType)); ok {
					e.Kind = k
				}
				e.Lines, e.Truncated = bodyLines(b, false, lim, names)
				return e
			}
		}
		// No m.new_content: the fallback body, without its "* ".
		e.Lines, e.Truncated = bodyLines(strings.TrimPrefix(body, "* "), false, lim, names)
		return e
	}
	m := Message{Meta: meta, Sender: s, Kind: kind, TxnID: evt.Unsigned.TransactionID}
	reply := c.RelatesTo != nil && c.RelatesTo.InReplyTo != nil
	if reply {
		m.ReplyTo = str(c.RelatesTo.InReplyTo.EventID)
	}
	m.Lines, m.Truncated = bodyLines(body, reply, lim, names)
	if len(m.Lines) == 0 {
		return nil
	}
	return m
}

func kindOf(msgType string) (Kind, bool) {
	switch msgType {
	case "m.text":
		return Text, true
	case "m.emote":
		return Emote, true
	case "m.notice":
		return Notice, true
	}
	return 0, false
}

// placeholderFor is the one line shown for a message that is no text.
func placeholderFor(msgType string, c messageContent) string {
	name := str(c.FileName)
	if name == "" {
		name = str(c.Body)
	}
	switch msgType {
	case "m.image":
		return placeholderText("image", name)
	case "m.file":
		return placeholderText("file", name)
	case "m.video":
		return placeholderText("video", name)
	case "m.audio":
		return placeholderText("audio", name)
	case "m.location":
		return placeholderText("location", name)
	case "":
		return "[message without msgtype]"
	}
	return placeholderText(oneLine(msgType, 64), name)
}

func placeholderText(what, name string) string {
	name = strings.TrimSpace(oneLine(name, 200))
	if name == "" {
		return "[" + what + "]"
	}
	return "[" + what + ": " + name + "]"
}

// membership reports an m.room.member event and applies it.
func (r *room) membership(evt *event.Event, se stateEvent, meta Meta, h how, s Sender) Event {
	var c, prev struct {
		Membership  any `json:"membership"`
		DisplayName any `json:"displayname"`
		Reason      any `json:"reason"`
	}
	json.Unmarshal(se.Content, &c)
	if evt.Unsigned.PrevContent != nil {
		json.Unmarshal(evt.Unsigned.PrevContent.VeryRaw, &prev)
	}
	target := se.StateKey
	if target == "" {
		return nil
	}
	m := Membership{Meta: meta, Sender: s, Target: target, Reason: oneLine(str(c.Reason), 512), TargetSelf: target == r.me}
	if old := cleanName(prev.DisplayName); old != "" {
		m.OldName = r.disambiguate(target, old, true)
	}
	if !h.backfill {
		r.apply(se)
		m.NewName = r.name(target)
		if m.NewName == target && cleanName(c.DisplayName) == "" {
			m.NewName = ""
		}
	} else if n := cleanName(c.DisplayName); n != "" {
		m.NewName = n
	}
	mem, was := str(c.Membership), str(prev.Membership)
	switch {
	case mem == "join" && was == "join":
		if cleanName(c.DisplayName) != cleanName(prev.DisplayName) {
			m.Change = MemberRenamed
		} else {
			m.Change = MemberOther
		}
	case mem == "join":
		m.Change = MemberJoined
	case mem == "leave":
		m.Change = MemberLeft
	case mem == "ban":
		m.Change = MemberBanned
	case mem == "invite":
		m.Change = MemberInvited
	default:
		m.Change = MemberOther
	}
	return m
}
