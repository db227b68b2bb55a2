package dispatch

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gavel/backend/forge"
	"gavel/meeting"
	"gavel/meeting/minutes"
	"gavel/meeting/publish"
)

// Settings are a channel's destinations; nil ones are off.
type Settings struct {
	// Auto sends without waiting for the chair's word.
	Auto      bool
	Email     *EmailSettings
	Discourse *DiscourseSettings
	Tickets   *TicketSettings
}

// Enabled reports whether the channel has any destination.
func (s Settings) Enabled() bool { return s.Email != nil || s.Discourse != nil || s.Tickets != nil }

// TLS modes of an SMTP server.
const (
	TLSStartTLS = "starttls" // the default: STARTTLS, required
	TLSImplicit = "tls"      // TLS from the first byte (port 465)
	TLSNone     = "none"     // plain text: only when set, for a relay on the same machine
)

// EmailSettings are an SMTP server and a message's addresses.
type EmailSettings struct {
	Host     string
	Port     int    // default 587 (starttls), 465 (tls), 25 (none)
	TLS      string // TLSStartTLS (default), TLSImplicit or TLSNone
	CAFile   string // PEM CAs the server's certificate is checked against (default: the system's)
	User     string // "": no login
	Password string // never logged, never in a record
	From     string
	To, Cc   []string
	// Subject is a template: {name} (the meeting's name as #startmeeting
	// gave it), {Name} (the same, capitalised), {title} (the meeting's
	// topic, #meetingtopic or #startmeeting's), {channel}, {date}
	// (YYYY-MM-DD of the start, UTC). Default "{Name} meeting minutes
	// {date}".
	Subject string
	Timeout time.Duration // per command (default 1m)
}

// DiscourseSettings are a forum and where its topics go.
type DiscourseSettings struct {
	URL      string // the site, e.g. https://discussion.fedoraproject.org
	Username string // the API user topics are posted as
	Key      string // the API key; never logged, never in a record
	Category int    // the category's id (0: none)
	Tags     []string
	Title    string // a template as EmailSettings.Subject (default the same)
}

// TicketSettings say what happens to the forge tickets a meeting
// discussed.
type TicketSettings struct {
	// RemoveLabel takes Label ("meeting" by default) off each ticket.
	RemoveLabel bool
	Label       string
	// Tokens are API tokens by forge host ("pagure.io"); never logged,
	// never in a record.
	Tokens map[string]string
}

// DefaultSubject is the subject and title template.
const DefaultSubject = "{Name} meeting minutes {date}"

// CheckTemplate refuses a template with an unknown {placeholder}.
func CheckTemplate(t string) error {
	_, err := expand(t, map[string]string{"name": "", "Name": "", "title": "", "channel": "", "date": ""})
	return err
}

func expand(t string, vars map[string]string) (string, error) {
	var b strings.Builder
	for {
		i := strings.IndexByte(t, '{')
		if i < 0 {
			b.WriteString(t)
			return b.String(), nil
		}
		j := strings.IndexByte(t[i:], '}')
		if j < 0 {
			return "", fmt.Errorf("template %q: a { without its }", t)
		}
		key := t[i+1 : i+j]
		v, ok := vars[key]
		if !ok {
			return "", fmt.Errorf("template %q: unknown {%s} (want {name}, {Name}, {title}, {channel} or {date})", t, key)
		}
		b.WriteString(t[:i])
		b.WriteString(v)
		t = t[i+j+1:]
	}
}

// links are the published URLs of a meeting.
type links struct{ minutes, text, log string }

func findLinks(m *meeting.Meeting, files []publish.File) (links, error) {
	var l links
	base := m.RelBase()
	for _, f := range files {
		switch {
		case strings.HasSuffix(f.URL, base+".log.html"):
			l.log = f.URL
		case strings.HasSuffix(f.URL, base+".html"):
			l.minutes = f.URL
		case strings.HasSuffix(f.URL, base+".txt"):
			l.text = f.URL
		}
	}
	if l.log == "" || l.minutes == "" || l.text == "" {
		return l, fmt.Errorf("the published files of %s lack the minutes or the log", m.BaseName())
	}
	for _, u := range []string{l.log, l.minutes, l.text} {
		if pu, err := url.Parse(u); err != nil || !pu.IsAbs() || pu.Host == "" {
			return l, fmt.Errorf("the archive URL %q is not absolute: set url_prefix to the archive's public URL", u)
		}
	}
	return l, nil
}

// Render makes the deliveries of an ended meeting for the channel's
// settings: its texts are fixed here, once.
func Render(channel string, m *meeting.Meeting, files []publish.File, s Settings, now time.Time) ([]Delivery, error) {
	if m == nil || !m.Ended() {
		return nil, errors.New("no ended meeting to send")
	}
	l, err := findLinks(m, files)
	if err != nil {
		return nil, err
	}
	r, err := minutes.NewRenderer(m, m.BaseName(), minutes.Options{Style: m.Style, LogsURL: l.log})
	if err != nil {
		return nil, err
	}
	// The meeting's name as the chair gave it (#startmeeting, or
	// #meetingtopic), else its file name.
	name := cmpOr(m.Title, m.Name)
	vars := map[string]string{
		"name": name, "Name": capitalise(name), "title": m.Title, "channel": channel,
		"date": m.Start.UTC().Format("2006-01-02"),
	}
	label := fmt.Sprintf("%s %s", name, m.Start.UTC().Format("2006-01-02 15:04"))
	base := Delivery{Channel: channel, Meeting: label, Start: m.Start.UTC(), Planned: now.UTC().Truncate(time.Second)}
	var out []Delivery
	if s.Email != nil {
		var txt bytes.Buffer
		if err := r.Render(minutes.FileText, &txt); err != nil {
			return nil, err
		}
		d, err := renderMail(base, *s.Email, m, l, txt.String(), vars)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	if s.Discourse != nil {
		var md bytes.Buffer
		if err := r.Render(minutes.FileMarkdown, &md); err != nil {
			return nil, err
		}
		d, err := renderTopic(base, *s.Discourse, l, md.String(), vars)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	if s.Tickets != nil {
		out = append(out, renderTickets(base, *s.Tickets, m, l, name)...)
	}
	return out, nil
}

func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// meetingKey is the part of ids and Message-IDs drawn from the meeting.
func meetingKey(channel string, start time.Time) string {
	h := sha256.Sum256([]byte("gavel meeting\x00" + strings.ToLower(channel) + "\x00" + start.UTC().Format(time.RFC3339)))
	return hex.EncodeToString(h[:12])
}

func renderMail(base Delivery, s EmailSettings, m *meeting.Meeting, l links, text string, vars map[string]string) (Delivery, error) {
	subject, err := expand(cmpOr(s.Subject, DefaultSubject), vars)
	if err != nil {
		return Delivery{}, err
	}
	from, err := mail.ParseAddress(s.From)
	if err != nil {
		return Delivery{}, fmt.Errorf("email from %q: %w", s.From, err)
	}
	var rcpts []string
	parse := func(list []string) ([]string, error) {
		var out []string
		for _, a := range list {
			pa, err := mail.ParseAddress(a)
			if err != nil {
				return nil, fmt.Errorf("email address %q: %w", a, err)
			}
			out = append(out, pa.String())
			rcpts = append(rcpts, pa.Address)
		}
		return out, nil
	}
	to, err := parse(s.To)
	if err != nil {
		return Delivery{}, err
	}
	cc, err := parse(s.Cc)
	if err != nil {
		return Delivery{}, err
	}
	if len(rcpts) == 0 {
		return Delivery{}, errors.New("email: no recipient (to)")
	}
	domain := from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	msgID := "<gavel." + meetingKey(base.Channel, m.Start) + "@" + domain + ">"

	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", from.String())
	header("To", strings.Join(to, ",\r\n "))
	if len(cc) > 0 {
		header("Cc", strings.Join(cc, ",\r\n "))
	}
	header("Subject", encodeSubject(subject))
	header("Date", m.End.Format(time.RFC1123Z))
	header("Message-ID", msgID)
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	body := "Minutes: " + l.minutes + "\n" +
		"Minutes (text): " + l.text + "\n" +
		"Log: " + l.log + "\n\n" + text
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n"))); err != nil {
		return Delivery{}, err
	}
	if err := qp.Close(); err != nil {
		return Delivery{}, err
	}
	d := base
	d.Kind = KindEmail
	d.Dest = "mail to " + strings.Join(append(append([]string(nil), s.To...), s.Cc...), ", ")
	d.ID = DeliveryID(KindEmail, strings.Join(rcpts, ","), base.Channel, base.Start)
	d.Summary = "subject: " + subject
	d.Email = &Email{From: from.Address, To: rcpts, MessageID: msgID, Data: b.Bytes()}
	return d, nil
}

// encodeSubject is an RFC 2047 subject: plain when it is printable ASCII,
// else UTF-8 encoded words, each line of the header folded between them.
func encodeSubject(s string) string {
	enc := mime.QEncoding.Encode("utf-8", s)
	if enc == s && !strings.Contains(s, "=?") {
		return s
	}
	if enc == s {
		// Printable, but it would read as an encoded word: encode it.
		var words []string
		for len(s) > 0 {
			n := 0
			for n < len(s) && n < 45 {
				_, size := utf8.DecodeRuneInString(s[n:])
				if n+size > 45 && n > 0 {
					break
				}
				n += size
			}
			words = append(words, "=?utf-8?b?"+base64.StdEncoding.EncodeToString([]byte(s[:n]))+"?=")
			s = s[n:]
		}
		return strings.Join(words, "\r\n ")
	}
	return strings.ReplaceAll(enc, "?= =?", "?=\r\n =?")
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func renderTopic(base Delivery, s DiscourseSettings, l links, md string, vars map[string]string) (Delivery, error) {
	title, err := expand(cmpOr(s.Title, DefaultSubject), vars)
	if err != nil {
		return Delivery{}, err
	}
	site := strings.TrimSuffix(s.URL, "/")
	raw := "Minutes: " + l.minutes + "  \nMinutes (text): " + l.text + "  \nLog: " + l.log + "\n\n" + md
	d := base
	d.Kind = KindDiscourse
	d.ID = DeliveryID(KindDiscourse, site, base.Channel, base.Start)
	d.Dest = "forum " + site
	if s.Category != 0 {
		d.Dest += " (category " + strconv.Itoa(s.Category) + ")"
	}
	d.Summary = "topic: " + title
	if len(s.Tags) > 0 {
		d.Summary += " [" + strings.Join(s.Tags, ", ") + "]"
	}
	d.Discourse = &Topic{Site: site, Title: title, Raw: raw, Category: s.Category, Tags: s.Tags,
		ExternalID: "gavel-" + meetingKey(base.Channel, base.Start)}
	return d, nil
}

// renderTickets finds the forge issues the meeting's topics name (in the
// topic or a #link under it) and makes one comment per issue with the
// items recorded under those topics, each linked to its log line.
func renderTickets(base Delivery, s TicketSettings, m *meeting.Meeting, l links, name string) []Delivery {
	type ticket struct {
		url   string
		ref   forge.IssueRef
		items []meeting.Item
	}
	var order []*ticket
	byURL := map[string]*ticket{}
	var section []meeting.Item
	flush := func() {
		if len(section) == 0 || section[0].Kind != meeting.KindTopic {
			return
		}
		var found []*ticket
		for _, it := range section {
			if it.Kind != meeting.KindTopic && it.Kind != meeting.KindLink {
				continue
			}
			for _, w := range strings.Fields(it.Text) {
				ref, err := forge.ParseIssueURL(w)
				if err != nil {
					continue
				}
				key := ref.String()
				t := byURL[key]
				if t == nil {
					t = &ticket{url: key, ref: ref}
					byURL[key] = t
					order = append(order, t)
				}
				if !slices.Contains(found, t) {
					found = append(found, t)
				}
			}
		}
		for _, t := range found {
			t.items = append(t.items, section...)
		}
	}
	for _, it := range m.Items {
		if it.Kind == meeting.KindTopic {
			flush()
			section = nil
		}
		section = append(section, it)
	}
	flush()
	label := ""
	if s.RemoveLabel {
		label = cmpOr(s.Label, forge.DefaultLabel)
	}
	var out []Delivery
	for _, t := range order {
		d := base
		d.Kind = KindTicket
		d.ID = DeliveryID(KindTicket, t.url, base.Channel, base.Start)
		d.Dest = "ticket " + t.url
		marker := "<!-- gavel dispatch " + d.ID + " -->"
		var b strings.Builder
		fmt.Fprintf(&b, "Discussed at the %s meeting in %s on %s ([minutes](%s), [log](%s)):\n\n",
			mdEsc(name), mdEsc(base.Channel), m.Start.UTC().Format("2006-01-02"), l.minutes, l.log)
		for _, it := range t.items {
			fmt.Fprintf(&b, "- **%s:** %s (%s, [log line %d](%s#l-%d))\n", it.Kind, mdEsc(it.Text), mdEsc(it.Nick), it.Line, l.log, it.Line)
		}
		b.WriteString("\n" + marker + "\n")
		rm := label
		d.Summary = fmt.Sprintf("comment with %d item(s)", len(t.items))
		if rm != "" {
			if t.ref.Project.Kind == forge.Pagure {
				rm = ""
				d.Summary += "; the " + label + " tag stays (gavel cannot change Pagure tags)"
			} else {
				d.Summary += "; remove label " + label
			}
		}
		d.Ticket = &TicketJob{IssueURL: t.url, Comment: b.String(), Marker: marker, RemoveLabel: rm}
		out = append(out, d)
	}
	return out
}

var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`, "#", `\#`, "|", `\|`,
	"\r", " ", "\n", " ",
)

// mdEsc escapes text for a Markdown line.
func mdEsc(s string) string { return mdEscaper.Replace(s) }
