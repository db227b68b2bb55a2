package live

import (
	"strings"
	"testing"

	"gavel/meeting"
	"gavel/meeting/publish"
)

// TestMinutesPreviewIsTheArchives: the minutes the console previews take
// the archive's style and URL prefix, whatever else is configured.
func TestMinutesPreviewIsTheArchives(t *testing.T) {
	net := &recorder{nick: "chair"}
	c, err := New(Config{Archive: publish.New(t.TempDir(), meeting.StyleZodbot, "https://archive.example/minutes/"),
		Style: meeting.StyleDefault, URLPrefix: "https://not-the-archive.example/", Network: net})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Minutes("#meet"); err == nil {
		t.Error("minutes of no meeting")
	}
	online(c)
	for i, text := range []string{"#startmeeting Weekly", "#topic Deploys", "#info all green"} {
		net.feed(c, msg(i+1, "chair", text))
	}
	text, err := c.Minutes("#meet")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "https://archive.example/minutes/meet/") || strings.Contains(text, "not-the-archive") {
		t.Errorf("links are not the archive's:\n%s", text)
	}
	// zodbot's style says "Meeting ended" even of a running meeting; the
	// configured default style would say it is in progress.
	if !strings.Contains(text, "#meet: Weekly") || !strings.Contains(text, "Meeting ended at") || strings.Contains(text, "in progress") {
		t.Errorf("not in the archive's zodbot style:\n%s", text)
	}
}
