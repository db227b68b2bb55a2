package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"gavel/ircclient/ircdtest"
)

// TestLongInfoShowsWhereTheItemEnds: on InspIRCd, a #info longer than one
// IRC line, typed in the console, shows before it is sent where the item
// will end (a note on the command line, the rest dimmed); once sent, the
// item is exactly the part before the cut, and that is the line the
// channel saw.
func TestLongInfoShowsWhereTheItemEnds(t *testing.T) {
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	alice := participant(t, ctx, srv, "alice")
	r := startRig(t, srv, rigOptions{channels: []string{"#meet"}, width: 140, height: 30})
	r.until(wait, "the join", func(m *Model) bool { return m.chans.InChannel("#meet") })
	joinAndWait(t, alice, "#meet")
	r.typeLine("#startmeeting Cuts")
	r.until(wait, "the meeting", func(m *Model) bool { return m.opts.Glue.Meeting("#meet") != nil })

	var words []string
	for i := 0; len(strings.Join(words, " ")) < 700; i++ {
		words = append(words, "word"+strings.Repeat("x", i%5))
	}
	text := "#info " + strings.Join(words, " ") + " THE-END"
	// Short, it is one line: no note.
	r.keys("#info short")
	r.do(func(m *Model) {
		if at, note := m.itemCut(m.input.Value()); at != 0 || note != "" || strings.Contains(ansi.Strip(m.input.View()), "✂") {
			t.Errorf("a short #info has a cut at %d: %q", at, note)
		}
		m.input.Reset()
	})
	r.keys(text)
	var at int
	r.do(func(m *Model) {
		if m.input.Value() != text {
			t.Fatalf("typed %q", m.input.Value())
		}
		var note string
		at, note = m.itemCut(text)
		if at <= len("#info ") || at >= len(text) {
			t.Fatalf("cut at %d of %d", at, len(text))
		}
		line := ansi.Strip(m.input.View())
		if !strings.Contains(note, "#info ends at") || !strings.Contains(note, "2 lines") || !strings.Contains(line, "✂ #info ends at “…") {
			t.Errorf("note %q, command line %q", note, line)
		}
		if want := strings.TrimRight(text[:at], " "); !strings.Contains(note, want[len(want)-8:]) {
			t.Errorf("note %q does not quote the item's end %q", note, want[len(want)-8:])
		}
	})
	r.typeLine("")
	first := expect(t, alice, "PRIVMSG #meet :#info ")
	_, said, _ := strings.Cut(first, "PRIVMSG #meet :")
	if said != text[:at] {
		t.Errorf("the channel saw\n%q\nthe note said the item ends at\n%q", said, text[:at])
	}
	expect(t, alice, "THE-END")
	r.until(wait, "the item", func(m *Model) bool {
		mt := m.opts.Glue.Meeting("#meet")
		return mt != nil && len(mt.Items) > 0
	})
	r.do(func(m *Model) {
		items := m.opts.Glue.Meeting("#meet").Items
		if got := items[len(items)-1].Text; got != text[len("#info "):at] {
			t.Errorf("item %q, want the part before the cut %q", got, text[len("#info "):at])
		}
	})
}
