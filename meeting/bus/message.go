package bus

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"gavel/meeting"
	"gavel/meeting/publish"
)

// The topics of meetbot-messages (without the deployment's topic prefix).
// They are also the schema names fedora-messaging puts in the
// fedora_messaging_schema header.
const (
	TopicStart    = "meetbot.meeting.start"
	TopicComplete = "meetbot.meeting.complete"
)

// SchemaPackage is the fedora_messaging_schema_package header: the Python
// distribution that holds the schemas, normalised as fedora-messaging does.
const SchemaPackage = "meetbot_messages"

// SeverityInfo is fedora-messaging's INFO severity (the library's default).
const SeverityInfo = 20

// timeLayout is how times are written in bodies and in the sent-at header:
// ISO 8601 with the UTC offset and no fraction, as fedora-messaging's
// wire format asks (e.g. 2019-07-30T19:12:22+00:00).
const timeLayout = "2006-01-02T15:04:05-07:00"

// StartBody is the body of meetbot.meeting.start (MeetingStartV1).
type StartBody struct {
	StartTime   string `json:"start_time"`
	StartUser   string `json:"start_user"`
	Location    string `json:"location"`
	MeetingName string `json:"meeting_name"`
}

// CompleteBody is the body of meetbot.meeting.complete (MeetingCompleteV1).
type CompleteBody struct {
	StartTime   string     `json:"start_time"`
	StartUser   string     `json:"start_user"`
	EndTime     string     `json:"end_time"`
	EndUser     string     `json:"end_user"`
	Location    string     `json:"location"`
	MeetingName string     `json:"meeting_name"`
	URL         string     `json:"url"`
	Logs        []Log      `json:"logs"`
	Chairs      []string   `json:"chairs"`
	Attendees   []Attendee `json:"attendees"`
}

// Log is one published file of a meeting.
type Log struct {
	LogType string `json:"log_type"`
	LogURL  string `json:"log_url"`
}

// Attendee is one person present and the lines they said.
type Attendee struct {
	Name      string `json:"name"`
	LinesSaid int    `json:"lines_said"`
}

// logTypes names the files of a meeting in the message, in the order
// Fedora's meeting bot lists them. A file with another extension (zodbot's
// stubs under an earlier name, for one) is not listed.
var logTypes = []struct{ ext, name string }{
	{".log.txt", "Text Log"},
	{".log.html", "HTML Log"},
	{".txt", "Text Minutes"},
	{".html", "HTML Minutes"},
	{".md", "Markdown Minutes"},
	{".json", "JSON Minutes"},
}

// Message is one event for the bus, as the outbox keeps it: everything
// needed to send exactly the same AMQP message again.
type Message struct {
	ID     string          `json:"id"`              // the AMQP message id (a version 4 UUID)
	Topic  string          `json:"topic,omitempty"` // without the topic prefix
	SentAt time.Time       `json:"sent_at,omitzero"`
	Users  []string        `json:"users,omitempty"` // fedora_messaging_user_* headers
	Body   json.RawMessage `json:"body,omitempty"`
}

// StartMessage builds meetbot.meeting.start for a meeting that has just
// started in channel.
func StartMessage(channel string, m *meeting.Meeting, now time.Time) (Message, error) {
	if m == nil || m.Start.IsZero() {
		return Message{}, errors.New("no started meeting to announce")
	}
	body := StartBody{
		StartTime:   formatTime(m.Start),
		StartUser:   userName(m, m.Owner),
		Location:    channel,
		MeetingName: m.Name,
	}
	return newMessage(TopicStart, channel, m, now, []string{body.StartUser}, body)
}

// CompleteMessage builds meetbot.meeting.complete for an ended meeting
// whose files were published as files. The url is the archive URL of the
// meeting's files without extension, taken from the published .log.html so
// that it is exactly what the archive serves (mote adds ".log.html" to it
// to find the log).
func CompleteMessage(channel string, m *meeting.Meeting, files []publish.File, now time.Time) (Message, error) {
	if m == nil || m.Start.IsZero() {
		return Message{}, errors.New("no meeting to announce")
	}
	if !m.Ended() {
		return Message{}, fmt.Errorf("the meeting in %s has not ended", channel)
	}
	base, err := meetingURL(m, files)
	if err != nil {
		return Message{}, err
	}
	body := CompleteBody{
		StartTime:   formatTime(m.Start),
		StartUser:   userName(m, m.Owner),
		EndTime:     formatTime(m.End),
		EndUser:     userName(m, m.EndedBy),
		Location:    channel,
		MeetingName: m.Name,
		URL:         base,
		Logs:        []Log{},
		Chairs:      userNames(m, m.ChairList()),
		Attendees:   make([]Attendee, 0, len(m.Attendees)),
	}
	if body.EndUser == "" {
		body.EndUser = body.StartUser
	}
	for _, lt := range logTypes {
		for _, f := range files {
			if f.URL == base+lt.ext {
				body.Logs = append(body.Logs, Log{LogType: lt.name, LogURL: f.URL})
				break
			}
		}
	}
	users := append([]string{body.EndUser}, body.Chairs...)
	for _, a := range m.Attendees {
		name := userName(m, a.Nick)
		body.Attendees = append(body.Attendees, Attendee{Name: name, LinesSaid: a.Lines})
		users = append(users, name)
	}
	return newMessage(TopicComplete, channel, m, now, users, body)
}

// userName is a person of a meeting as the bus names them: on Matrix as
// Fedora's meetbot does, by the user ID ("@x:fedora.im" is the FAS user
// "x", other servers' users are their user ID); on IRC by nick.
func userName(m *meeting.Meeting, nick string) string {
	id := m.UserIDs[nick]
	if id == "" && meeting.IsMatrixUserID(nick) {
		id = nick // a chair named by user ID
	}
	if id == "" {
		return nick
	}
	name, _ := meeting.FedoraUser(id)
	return name
}

func userNames(m *meeting.Meeting, nicks []string) []string {
	out := make([]string, len(nicks))
	for i, n := range nicks {
		out[i] = userName(m, n)
	}
	return out
}

// meetingURL finds the published .log.html of the meeting and returns its
// URL without the extension.
func meetingURL(m *meeting.Meeting, files []publish.File) (string, error) {
	suffix := m.RelBase() + ".log.html"
	for _, f := range files {
		if !strings.HasSuffix(f.URL, suffix) {
			continue
		}
		base := strings.TrimSuffix(f.URL, ".log.html")
		u, err := url.Parse(base)
		if err != nil || !u.IsAbs() || u.Host == "" {
			return "", fmt.Errorf("the archive URL %q is not absolute: set url_prefix to the archive's public URL", base)
		}
		return base, nil
	}
	return "", fmt.Errorf("no published %s.log.html among the files of the meeting: nothing to announce", m.BaseName())
}

func newMessage(topic, channel string, m *meeting.Meeting, now time.Time, users []string, body any) (Message, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return Message{}, fmt.Errorf("%s: %w", topic, err)
	}
	slices.Sort(users)
	users = slices.Compact(users)
	if len(users) > 0 && users[0] == "" {
		users = users[1:]
	}
	return Message{
		ID:     EventID(topic, channel, m.Start),
		Topic:  topic,
		SentAt: now.UTC().Truncate(time.Second),
		Users:  users,
		Body:   b,
	}, nil
}

// EventID is the message id of an event: a version 4 UUID (as
// fedora-messaging's wire format requires) drawn from a hash of the topic,
// the channel and the meeting's start time (to the second, as the body
// gives it) rather than from a random source. The same event always gets
// the same id, however often it is handed to the bus or resent, so that
// consumers can drop duplicates.
func EventID(topic, channel string, start time.Time) string {
	h := sha256.New()
	for _, s := range []string{"gavel meetbot event", topic, strings.ToLower(channel), formatTime(start)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	s := hex.EncodeToString(u[:])
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:32]
}

// validID reports whether s is a version 4 UUID in its standard form.
func validID(s string) bool {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' || s[14] != '4' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			continue
		}
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return strings.ContainsRune("89ab", rune(s[19]))
}

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }
