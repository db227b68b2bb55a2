package minutes

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"gavel/meeting"
)

// payload would change the page's title if any of it ran as markup.
const payload = `<script>document.title='PWNED'</script><img src=x onerror="document.title='PWNED'">"'><svg onload="document.title='PWNED'">`

// injected matches elements and attributes that only markup from the
// meeting could have made.
var injected = regexp.MustCompile(`(?i)<(script|img|svg)\b|<[a-z][^>]*\son[a-z]+=|href="javascript:`)

// chromium returns the headless browser, or skips (fails under CI=true).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed (.ci/run installs it)")
	}
	t.Skip("chromium is not installed")
	return ""
}

// dumpDOM loads a local file in headless Chromium and returns the DOM after
// its scripts (if any) ran.
func dumpDOM(t *testing.T, bin, path string) string {
	t.Helper()
	return string(runChromium(t, bin, t.TempDir(), "--dump-dom", "file://"+path))
}

// runChromium runs headless Chromium with the profile directory profile
// and returns what it printed.
func runChromium(t *testing.T, bin, profile string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
		"--user-data-dir=" + profile}, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, errb.String())
	}
	return out.Bytes()
}

// TestHTMLInChromium renders hostile meetings in the default style and
// loads every HTML file in a real browser: no markup from the meeting may
// run or become elements, and the text must still be there to read.
func TestHTMLInChromium(t *testing.T) {
	bin := chromium(t)
	e := meeting.NewEngine(meeting.Options{Channel: "#meet"})
	at := time.Date(2026, 11, 24, 18, 0, 0, 0, time.UTC)
	m := feed(e, at, "chair",
		"#startmeeting Title "+payload,
		"#topic Topic "+payload,
		"#info Info "+payload,
		"#link javascript:document.title='PWNED' and "+payload,
		"#link https://example.org/?q=\"><script>document.title='PWNED'</script> ok",
		"#action bob "+payload,
		"#idea "+payload,
		"#endmeeting")
	dir := t.TempDir()
	base := m.BaseName()
	for _, kind := range []FileKind{FileHTML} {
		f, _ := os.Create(filepath.Join(dir, base+"."+kind.Ext()))
		if err := Render(kind, f, m, base, Options{}); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	f, _ := os.Create(filepath.Join(dir, base+".log.html"))
	lw := NewLogHTML(f, "#meet "+payload, meeting.StyleDefault)
	for i, text := range []string{"#topic " + payload, "nick: " + payload, payload} {
		lw.WriteLine(meeting.Line{N: i + 1, Time: at, Nick: "bob" + payload, Text: text})
	}
	lw.WriteLine(meeting.Line{N: 4, Time: at, Nick: "bob", Text: payload, Action: true})
	lw.Close()
	f.Close()

	for _, name := range []string{base + ".html", base + ".log.html"} {
		dom := dumpDOM(t, bin, filepath.Join(dir, name))
		if strings.Contains(dom, "PWNED</title>") {
			t.Errorf("%s: injected script ran", name)
		}
		// In the serialised DOM a literal '<' only starts a real element
		// (text has it as &lt;), so these find elements, not text.
		if bad := injected.FindString(dom); bad != "" {
			t.Errorf("%s: the DOM holds an element from the meeting: %q", name, bad)
		}
		if !strings.Contains(dom, "&lt;script&gt;document.title='PWNED'&lt;/script&gt;") {
			t.Errorf("%s: the hostile text is not shown as text", name)
		}
	}
}

// TestChromiumCatchesZodbotsUnescapedTitle shows the check above can fail:
// zodbot style keeps MeetBot's bug of an unescaped title, and the browser
// runs it.
func TestChromiumCatchesZodbotsUnescapedTitle(t *testing.T) {
	bin := chromium(t)
	e := meeting.NewEngine(meeting.Options{Channel: "#meet", Style: meeting.StyleZodbot})
	m := feed(e, time.Date(2026, 11, 24, 18, 0, 0, 0, time.UTC), "chair", "#startmeeting Title "+payload, "#endmeeting")
	path := filepath.Join(t.TempDir(), "zodbot.html")
	f, _ := os.Create(path)
	if err := Render(FileHTML, f, m, m.BaseName(), Options{Style: meeting.StyleZodbot}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if dom := dumpDOM(t, bin, path); injected.FindString(dom) == "" {
		t.Fatal("zodbot style's unescaped title went unnoticed")
	}
}

// feed runs lines said by nick through the engine and returns the meeting.
func feed(e *meeting.Engine, at time.Time, nick string, lines ...string) *meeting.Meeting {
	for i, l := range lines {
		e.Handle(meeting.Message{Time: at.Add(time.Duration(i) * time.Second), Nick: nick, Text: l})
	}
	return e.Meeting()
}
