package minutes

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"gavel/meeting"
)

// logActions replays a MeetBot .log.txt through the engine (zodbot style)
// and returns its action items: what the minutes must read back as.
func logActions(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	e := meeting.NewEngine(meeting.Options{Channel: "#fedora-meeting", Style: meeting.StyleZodbot})
	re := regexp.MustCompile(`^(\d\d):(\d\d):(\d\d) <([^>]+)> (.*)$`)
	for i, line := range strings.Split(string(data), "\n") {
		if m := re.FindStringSubmatch(line); m != nil {
			e.Handle(meeting.Message{Time: t0.Add(time.Duration(i) * time.Second), Nick: m[4], Text: m[5]})
		}
	}
	var out []string
	for _, it := range e.Meeting().Actions() {
		out = append(out, it.Text)
	}
	return out
}

func TestReadTextActionsOfRealZodbotMinutes(t *testing.T) {
	root := filepath.Join("..", "..", "testdata", "zodbot-published")
	tests := []struct {
		txt, log string
		n        int
	}{
		{"fedora-meeting_2020-06-10_magazine/magazine.2020-06-10-12.02.txt", "fedora-meeting_2020-06-10_magazine/magazine.2020-06-10-12.02.log.txt", 8},
		{"fedora-meeting_2020-06-10_fedora_iot_working_group_meeting/fedora_iot_working_group_meeting.2020-06-10-14.10.txt",
			"fedora-meeting_2020-06-10_fedora_iot_working_group_meeting/fedora_iot_working_group_meeting.2020-06-10-14.10.log.txt", -1},
		{"fedora-meeting-1_2015-02-09_releng_minutes-only/releng.2015-02-09-16.31.txt", "", 3},
	}
	for _, tt := range tests {
		f, err := os.Open(filepath.Join(root, tt.txt))
		if err != nil {
			t.Fatal(err)
		}
		got, err := ReadTextActions(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", tt.txt, err)
		}
		if tt.log != "" {
			if want := logActions(t, filepath.Join(root, tt.log)); !slices.Equal(got, want) {
				t.Errorf("%s:\n got %q\nwant %q", tt.txt, got, want)
			}
		}
		if tt.n >= 0 && len(got) != tt.n {
			t.Errorf("%s: %d actions %q, want %d", tt.txt, len(got), got, tt.n)
		}
	}
	f, _ := os.Open(filepath.Join(root, "fedora-meeting-1_2015-02-09_releng_minutes-only/releng.2015-02-09-16.31.txt"))
	defer f.Close()
	got, _ := ReadTextActions(f)
	if want := []string{"pbrobinson to send patch to infra list enabling keepalive", "dgilmore will make a choice when making the keys", "dgilmore to make this happen"}; !slices.Equal(got, want) {
		t.Errorf("releng: %q", got)
	}
}

func actionMeeting(style meeting.Style) *meeting.Meeting {
	e := meeting.NewEngine(meeting.Options{Channel: "#meet", Style: style})
	return feed(e, t0, "chair",
		"#startmeeting Follow up",
		"#topic First",
		"#action alice to write the release notes for the next release, including the parts about the new installer and the changed defaults",
		"#info not an action",
		"#action bob to check https://pagure.io/fedora-infrastructure/issue/12345?with=a&very=long&query=string&that=does&not=fit",
		"#action ünïcödé — carol to ask <dave> & \"eve\"",
		"#action",
		"#topic Second",
		"#action * a star first",
		"#endmeeting",
	)
}

func TestReadActionsRoundTrip(t *testing.T) {
	for _, style := range []meeting.Style{meeting.StyleDefault, meeting.StyleZodbot} {
		m := actionMeeting(style)
		var want []string
		for _, it := range m.Actions() {
			want = append(want, it.Text)
		}
		if len(want) != 5 {
			t.Fatalf("engine gave %d actions", len(want))
		}
		got, err := ReadTextActions(strings.NewReader(render(t, FileText, m, style)))
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("%s text: %q, %v\nwant %q", style, got, err, want)
		}
		if style == meeting.StyleZodbot {
			continue
		}
		got, err = ReadJSONActions(strings.NewReader(render(t, FileJSON, m, style)))
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("json: %q, %v\nwant %q", got, err, want)
		}
	}
}

func TestReadActionsNone(t *testing.T) {
	e := meeting.NewEngine(meeting.Options{Channel: "#meet"})
	m := feed(e, t0, "chair", "#startmeeting Quiet", "#info nothing to do", "#endmeeting")
	got, err := ReadTextActions(strings.NewReader(render(t, FileText, m, meeting.StyleDefault)))
	if err != nil || got == nil || len(got) != 0 {
		t.Errorf("text: %q, %v", got, err)
	}
	got, err = ReadJSONActions(strings.NewReader(render(t, FileJSON, m, meeting.StyleDefault)))
	if err != nil || got == nil || len(got) != 0 {
		t.Errorf("json: %q, %v", got, err)
	}
}

func TestReadActionsErrors(t *testing.T) {
	if _, err := ReadTextActions(strings.NewReader("<html>not minutes</html>\n")); !errors.Is(err, ErrNoActionSection) {
		t.Errorf("text without section: %v", err)
	}
	for in, want := range map[string]string{
		"{":                               "not JSON minutes",
		`{"schema":"other/2","items":[]}`: `schema "other/2"`,
		`{"schema":"gavel.minutes/1","items":{}}`:            "not JSON minutes",
		string(bytes.Repeat([]byte(" "), maxMinutesBytes+1)): "larger than",
	} {
		if _, err := ReadJSONActions(strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ReadJSONActions(%.20q) = %v, want %q", in, err, want)
		}
	}
}
