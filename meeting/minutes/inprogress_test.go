package minutes

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"gavel/meeting"
)

// TestRunningMeetingInProgress: minutes of a meeting still running (saved
// or previewed mid-meeting) say it is in progress in the default style,
// not that it ended at 00:00:00; zodbot style keeps MeetBot's line.
func TestRunningMeetingInProgress(t *testing.T) {
	e := meeting.NewEngine(meeting.Options{Channel: "#m"})
	t0 := time.Date(2024, 3, 1, 17, 0, 0, 0, time.UTC)
	e.Handle(meeting.Message{Time: t0, Nick: "chair", Text: "#startmeeting running"})
	e.Handle(meeting.Message{Time: t0.Add(time.Minute), Nick: "chair", Text: "#topic one"})
	m := e.Meeting()
	for _, kind := range []FileKind{FileText, FileHTML} {
		var b bytes.Buffer
		if err := Render(kind, &b, m, m.BaseName(), Options{}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), "Meeting in progress (started at 17:00:00 UTC)") || strings.Contains(b.String(), "00:00:00") {
			t.Errorf("kind %v:\n%s", kind, b.String())
		}
		b.Reset()
		if err := Render(kind, &b, m, m.BaseName(), Options{Style: meeting.StyleZodbot}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), "Meeting ended at 00:00:00 UTC") {
			t.Errorf("zodbot style changed (kind %v)", kind)
		}
	}
}
