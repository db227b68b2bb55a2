package minutes

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"gavel/meeting"
)

// The published zodbot sets in testdata/zodbot-published/ at the top of
// the repository.
var goldenSets = []struct {
	base    string
	channel string
	url     string // the .txt's full-logs URL
}{
	{"magazine.2020-06-10-12.02", "#fedora-meeting",
		"https://meetbot.fedoraproject.org/fedora-meeting/2020-06-10/magazine.2020-06-10-12.02.log.html"},
	{"fedora_iot_working_group_meeting.2020-06-10-14.10", "#fedora-meeting",
		"https://meetbot.fedoraproject.org/fedora-meeting/2020-06-10/fedora_iot_working_group_meeting.2020-06-10-14.10.log.html"},
}

var (
	logLineRE   = regexp.MustCompile(`^(\d\d):(\d\d):(\d\d) (?:<([^>]+)>|\* (\S+)) ?(.*)$`)
	commandRE   = regexp.MustCompile(`^#(\w+)[ \t]*(.*)`)
	bareURLRE   = regexp.MustCompile(`^(?:https?|irc|ftp|mailto|ssh):[^\s]*//`)
	baseDateRE  = regexp.MustCompile(`\.(\d{4}-\d\d-\d\d)-\d\d\.\d\d$`)
	itemCommand = map[string]meeting.ItemKind{
		"topic": meeting.KindTopic, "info": meeting.KindInfo, "link": meeting.KindLink,
		"action": meeting.KindAction, "agreed": meeting.KindAgreed, "agree": meeting.KindAgreed,
		"idea": meeting.KindIdea, "help": meeting.KindHelp, "halp": meeting.KindHelp,
		"accepted": meeting.KindAccepted, "accept": meeting.KindAccepted, "rejected": meeting.KindRejected,
	}
)

// parseLog builds the log lines and the meeting state from a published
// .log.txt without the engine: a deliberately small re-implementation of
// the MeetBot commands these logs use.
func parseLog(t testing.TB, data, base, channel string) ([]meeting.Line, *meeting.Meeting) {
	t.Helper()
	dm := baseDateRE.FindStringSubmatch(base)
	if dm == nil {
		t.Fatalf("no date in %q", base)
	}
	day, err := time.Parse("2006-01-02", dm[1])
	if err != nil {
		t.Fatal(err)
	}
	m := &meeting.Meeting{Channel: channel}
	index := map[string]int{}
	attend := func(nick string, n int) {
		if i, ok := index[nick]; ok {
			m.Attendees[i].Lines += n
			return
		}
		index[nick] = len(m.Attendees)
		m.Attendees = append(m.Attendees, meeting.Attendee{Nick: nick, Lines: n})
	}
	var lines []meeting.Line
	for i, raw := range strings.Split(data, "\n") {
		g := logLineRE.FindStringSubmatch(raw)
		if g == nil {
			t.Fatalf("line %d: cannot parse %q", i+1, raw)
		}
		ts := day.Add(time.Duration(atoi(g[1]))*time.Hour + time.Duration(atoi(g[2]))*time.Minute + time.Duration(atoi(g[3]))*time.Second)
		l := meeting.Line{N: i + 1, Time: ts, Nick: g[4], Text: g[6]}
		if g[5] != "" {
			l.Nick, l.Action = g[5], true
		}
		lines = append(lines, l)
		attend(l.Nick, 1)
		if l.Action {
			continue
		}
		item := func(kind meeting.ItemKind, text string) {
			m.Items = append(m.Items, meeting.Item{Kind: kind, Nick: l.Nick, Time: ts, Text: text, Line: l.N})
		}
		c := commandRE.FindStringSubmatch(l.Text)
		if c == nil {
			if bareURLRE.MatchString(l.Text) {
				item(meeting.KindLink, l.Text)
			}
			continue
		}
		cmd, arg := strings.ToLower(c[1]), strings.TrimSpace(c[2])
		switch cmd {
		case "startmeeting":
			m.Owner, m.Title, m.Start = l.Nick, arg, ts
		case "endmeeting":
			m.End = ts
		case "meetingname":
			m.Name = arg
		case "undo":
			if len(m.Items) > 0 {
				m.Items = m.Items[:len(m.Items)-1]
			}
		case "chair":
			for _, n := range strings.FieldsFunc(arg, func(r rune) bool { return r == ',' || r == ' ' }) {
				m.Chairs = append(m.Chairs, n)
				attend(n, 0)
			}
		default:
			if kind, ok := itemCommand[cmd]; ok {
				item(kind, arg)
			}
		}
	}
	m.LineCount = len(lines)
	return lines, m
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// readTestdata reads a published zodbot file from the project's
// testdata/zodbot-published, or else a file of this package's testdata.
func readTestdata(t testing.TB, name string) string {
	t.Helper()
	path := filepath.Join("testdata", name)
	if found, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "zodbot-published", "*", name)); len(found) == 1 {
		path = found[0]
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestGoldenZodbot(t *testing.T) {
	for _, set := range goldenSets {
		t.Run(set.base, func(t *testing.T) {
			logTxt := readTestdata(t, set.base+".log.txt")
			lines, m := parseLog(t, logTxt, set.base, set.channel)
			opts := Options{Style: meeting.StyleZodbot, LogsURL: set.url}

			check := func(kind FileKind, got string) {
				t.Helper()
				want := readTestdata(t, set.base+"."+kind.Ext())
				if got != want {
					t.Errorf("%s differs from the published file:\n%s", kind, firstDiff(got, want))
				}
			}
			for _, kind := range []FileKind{FileText, FileHTML} {
				var buf bytes.Buffer
				if err := Render(kind, &buf, m, set.base, opts); err != nil {
					t.Fatal(err)
				}
				check(kind, buf.String())
			}
			for _, kind := range []FileKind{FileLogText, FileLogHTML} {
				var buf bytes.Buffer
				if err := RenderLog(kind, &buf, set.channel, meeting.StyleZodbot, sliceSeq(lines)); err != nil {
					t.Fatal(err)
				}
				check(kind, buf.String())
			}
			// The same options through the URL prefix instead of LogsURL.
			var buf bytes.Buffer
			opts2 := Options{Style: meeting.StyleZodbot, URLPrefix: "https://meetbot.fedoraproject.org", RelDir: "fedora-meeting/2020-06-10"}
			if err := Render(FileText, &buf, m, set.base, opts2); err != nil {
				t.Fatal(err)
			}
			check(FileText, buf.String())
		})
	}
}

func sliceSeq[T any](s []T) func(func(T) bool) {
	return func(yield func(T) bool) {
		for _, v := range s {
			if !yield(v) {
				return
			}
		}
	}
}

// firstDiff shows the first differing line of two texts.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl || i >= len(g) || i >= len(w) {
			return "line " + itoa(i+1) + ":\n got: " + quote(gl) + "\nwant: " + quote(wl)
		}
	}
	return "(no line differs; lengths " + itoa(len(got)) + " vs " + itoa(len(want)) + ")"
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		s = string(rune('0'+n%10)) + s
		n /= 10
	}
	if neg {
		s = "-" + s
	}
	return s
}

func quote(s string) string { return "«" + s + "»" }
