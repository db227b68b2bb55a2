// Package dispatch sends a meeting's minutes where they go once it has
// ended: to mailing lists (SMTP), to a Discourse forum (a topic created
// with an external_id drawn from the meeting) and to the forge tickets the
// meeting discussed (one comment each, and optionally their "meeting"
// label taken off).
//
// Every (meeting, destination) is a Delivery, rendered once when the
// minutes are published and kept, whole, in a durable outbox
// (meeting/outbox, the same mechanism as the message bus's): a delivery
// is on disk before it is first attempted, each attempt is recorded
// (synced) before it starts, and its outcome after it. A delivery the
// destination accepted and that was recorded is never sent again. While a
// destination is away the delivery is retried with a doubling backoff,
// across restarts of gavel; a permanent refusal (SMTP 5xx, an HTTP 4xx
// other than 408 and 429) is reported once and kept for Retry, never
// retried in a loop; 429 waits as long as Retry-After says.
//
// An attempt cut short by a crash is resumed without a second copy:
// Discourse is asked for the topic by its external_id, a forge for a
// comment carrying the delivery's marker. Mail has no such question: a
// message whose end of data went out without the server's answer being
// recorded is held as "unsure" for the chair to retry (it carries the
// same Message-ID), rather than sent twice.
//
// Deliveries of a meeting wait for the chair's word (Approve) unless the
// channel's settings say Auto.
package dispatch

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The kinds of destination.
const (
	KindEmail     = "email"
	KindDiscourse = "discourse"
	KindTicket    = "ticket"
)

// State is where a delivery stands.
type State int

// The states.
const (
	Held    State = iota + 1 // planned, waiting for the chair's word
	Queued                   // to be sent (waiting for its turn or its retry)
	Sent                     // the destination accepted it (recorded)
	Refused                  // the destination refused it for good; Retry queues it again
	Unsure                   // a mail's end of data went out but its answer was not recorded; Retry sends it again
)

func (s State) String() string {
	switch s {
	case Held:
		return "held"
	case Queued:
		return "queued"
	case Sent:
		return "sent"
	case Refused:
		return "refused"
	case Unsure:
		return "unsure"
	}
	return "unknown"
}

// Delivery is one (meeting, destination): everything needed to send
// exactly the same thing again. It holds no secret: the transport's
// settings (server, credentials) are the channel's at send time.
type Delivery struct {
	ID      string    `json:"id"` // stable: drawn from the meeting and the destination
	Kind    string    `json:"kind"`
	Channel string    `json:"channel"`
	Meeting string    `json:"meeting"` // "<name> (<start>)", for people
	Start   time.Time `json:"start"`
	Dest    string    `json:"dest"`    // where to, for people: "mail to a@b", "forum discourse.example.org", "ticket https://…"
	Summary string    `json:"summary"` // what, for people: a subject, a title, "comment (3 items)"
	Planned time.Time `json:"planned"`

	Email     *Email     `json:"email,omitempty"`
	Discourse *Topic     `json:"discourse,omitempty"`
	Ticket    *TicketJob `json:"ticket,omitempty"`
}

// Email is a rendered message and its envelope.
type Email struct {
	From      string   `json:"from"`
	To        []string `json:"to"` // envelope recipients: To and Cc
	MessageID string   `json:"message_id"`
	Data      []byte   `json:"data"` // the RFC 5322 message, CRLF lines
}

// Topic is a Discourse topic to create.
type Topic struct {
	Site       string   `json:"site"` // the forum's base URL
	Title      string   `json:"title"`
	Raw        string   `json:"raw"` // Markdown
	Category   int      `json:"category,omitempty"`
	Tags       []string `json:"tags,omitempty"`
	ExternalID string   `json:"external_id"`
}

// TicketJob is a comment on a forge issue and, optionally, a label to
// take off it.
type TicketJob struct {
	IssueURL    string `json:"issue_url"`
	Comment     string `json:"comment"` // Markdown, ending with the marker
	Marker      string `json:"marker"`  // an HTML comment that finds the comment again
	RemoveLabel string `json:"remove_label,omitempty"`
}

// record is one line of the dispatch outbox.
type record struct {
	Kind     string    `json:"k"` // plan, go, try, commit, fail, done, refused, retry
	ID       string    `json:"id"`
	At       time.Time `json:"at,omitzero"`
	Ref      string    `json:"ref,omitempty"` // done: what the destination made (a topic URL, a Message-ID)
	Err      string    `json:"err,omitempty"` // refused: why
	Delivery *Delivery `json:"d,omitempty"`   // plan
}

// DeliveryID is a delivery's id: a hash of the destination and the
// meeting (channel, start to the second), the same however often the
// meeting is handed over.
func DeliveryID(kind, dest, channel string, start time.Time) string {
	h := sha256.New()
	for _, s := range []string{"gavel dispatch", kind, dest, strings.ToLower(channel), start.UTC().Format(time.RFC3339)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func validID(s string) bool {
	if len(s) != 32 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && strings.ToLower(s) == s
}

// check says what is wrong with a record read from the outbox.
func (r record) check() error {
	if !validID(r.ID) {
		return fmt.Errorf("bad delivery id %q", clip(r.ID))
	}
	switch r.Kind {
	case "plan":
		d := r.Delivery
		if d == nil || d.ID != r.ID {
			return errors.New("plan without its delivery")
		}
		n := 0
		if d.Email != nil {
			n++
			if d.Kind != KindEmail || d.Email.From == "" || len(d.Email.To) == 0 || len(d.Email.Data) == 0 {
				return errors.New("incomplete mail")
			}
		}
		if d.Discourse != nil {
			n++
			if d.Kind != KindDiscourse || d.Discourse.Site == "" || d.Discourse.ExternalID == "" || d.Discourse.Raw == "" {
				return errors.New("incomplete forum topic")
			}
		}
		if d.Ticket != nil {
			n++
			if d.Kind != KindTicket || d.Ticket.IssueURL == "" || d.Ticket.Marker == "" || !strings.Contains(d.Ticket.Comment, d.Ticket.Marker) {
				return errors.New("incomplete ticket comment")
			}
		}
		if n != 1 {
			return errors.New("a delivery has one destination")
		}
	case "go", "try", "commit", "fail", "done", "refused", "retry":
		if r.Delivery != nil {
			return fmt.Errorf("%s record with a delivery", r.Kind)
		}
	default:
		return fmt.Errorf("unknown record kind %q", clip(r.Kind))
	}
	return nil
}

func decodeRecord(body []byte) (record, error) {
	var r record
	if err := json.Unmarshal(body, &r); err != nil {
		return record{}, fmt.Errorf("bad JSON: %v", err)
	}
	if err := r.check(); err != nil {
		return record{}, err
	}
	return r, nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
