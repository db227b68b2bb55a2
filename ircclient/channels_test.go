package ircclient

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ergochat/irc-go/ircmsg"
)

func TestCaseFold(t *testing.T) {
	tests := []struct {
		mapping, in, want string
	}{
		{"", "Chair[m]\\~", "chair{m}|^"},
		{"rfc1459", "#Fedora-Meeting[1]", "#fedora-meeting{1}"},
		{"RFC1459", "A~", "a^"},
		{"unknown-mapping", "A~", "a^"},
		{"rfc1459-strict", "Chair[m]\\~", "chair{m}|~"},
		{"strict-rfc1459", "X]", "x}"},
		{"ascii", "Chair[m]\\~", "chair[m]\\~"},
		{"ascii", "ÄÖÜ Ünïcödé", "ÄÖÜ Ünïcödé"},
		{"rfc1459", "already{folded}", "already{folded}"},
		{"rfc1459", "", ""},
	}
	for _, tt := range tests {
		if got := CaseFold(tt.mapping)(tt.in); got != tt.want {
			t.Errorf("CaseFold(%q)(%q) = %q, want %q", tt.mapping, tt.in, got, tt.want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { CaseFold("rfc1459")("#already-folded") }); n != 0 {
		t.Errorf("folding a folded name allocates %v times", n)
	}
}

// TestFoldFollowsCaseMapping: Client.Fold and the channel state use the
// server's CASEMAPPING from 005 on; channels wanted before it was known are
// rekeyed.
func TestFoldFollowsCaseMapping(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Server, cfg.Nick, cfg.TLS = "irc.test", "chair", false
	cfg.Channels = []string{"#Room[1]"}
	c, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := &session{c: c, urgent: make(chan []byte, 1024), done: make(chan struct{})}
	if c.Fold("#Room[1]") != "#room{1}" {
		t.Errorf("before 005: %q", c.Fold("#Room[1]"))
	}
	feed(t, s, ":irc.test 001 chair :Welcome", ":irc.test 005 chair CASEMAPPING=ascii CHANTYPES=# :are supported")
	if got := c.Fold("#Room[1]"); got != "#room[1]" {
		t.Errorf("ascii: Fold = %q", got)
	}
	if !c.want["#room[1]"] {
		t.Errorf("wanted channels not rekeyed: %v", c.want)
	}
	feed(t, s, ":chair!c@h JOIN #Room[1]")
	if !c.InChannel("#ROOM[1]") || c.InChannel("#room{1}") {
		t.Error("InChannel does not fold by ascii")
	}
}

func nicks(ms []Member) string {
	var b []string
	for _, m := range ms {
		b = append(b, m.Prefixes+m.Nick)
	}
	return strings.Join(b, " ")
}

// TestChannelState follows members, prefixes and the topic through every
// line that changes them.
func TestChannelState(t *testing.T) {
	c, s := offline(t)
	if c.InChannel("#meet") || c.Members("#meet") != nil || c.Topic("#meet") != "" {
		t.Fatal("state for a channel never joined")
	}
	steps := []struct {
		line    string
		members string
		topic   string
	}{
		{":chair!c@h JOIN #meet", "chair", ""},
		{":irc.test 332 chair #meet :Agenda", "chair", "Agenda"},
		{":irc.test 353 chair = #meet :@chair +bob alice", "chair", "Agenda"},
		{":irc.test 353 chair = #meet :~&carol %dave", "chair", "Agenda"},
		{":irc.test 366 chair #meet :End of /NAMES list.", "~&carol @chair %dave +bob alice", "Agenda"},
		{":erin!e@h JOIN #meet", "~&carol @chair %dave +bob alice erin", "Agenda"},
		{":chair!c@h MODE #meet +v-o+k erin alice key", "~&carol @chair %dave +bob +erin alice", "Agenda"},
		{":chair!c@h MODE #meet +o erin", "~&carol @chair @+erin %dave +bob alice", "Agenda"},
		{":chair!c@h MODE #meet -v+l erin 10", "~&carol @chair @erin %dave +bob alice", "Agenda"},
		{":Bob!b@h NICK :Robert", "~&carol @chair @erin %dave +Robert alice", "Agenda"},
		{":alice!a@h PART #meet :bye", "~&carol @chair @erin %dave +Robert", "Agenda"},
		{":chair!c@h KICK #meet dave :out", "~&carol @chair @erin +Robert", "Agenda"},
		{":erin!e@h QUIT :gone", "~&carol @chair +Robert", "Agenda"},
		{":carol!c@h TOPIC #meet :New topic", "~&carol @chair +Robert", "New topic"},
		{":carol!c@h TOPIC #meet :", "~&carol @chair +Robert", ""},
	}
	for _, st := range steps {
		feed(t, s, st.line)
		if got := nicks(c.Members("#MEET")); got != st.members {
			t.Errorf("after %q: members %q, want %q", st.line, got, st.members)
		}
		if got := c.Topic("#Meet"); got != st.topic {
			t.Errorf("after %q: topic %q, want %q", st.line, got, st.topic)
		}
	}
	if !c.InChannel("#meet") || !c.HasOp("#meet") {
		t.Error("not in #meet, or no op")
	}
	evs := feed(t, s, ":chair!c@h JOIN #other", ":carol!c@h JOIN #other", ":carol!c@h NICK :caroline", ":Robert!b@h QUIT :x")
	if nc := evs[2].(NickChange); !slices.Equal(nc.Channels, []string{"#meet", "#other"}) {
		t.Errorf("nick change channels %q", nc.Channels)
	}
	if q := evs[3].(Quit); !slices.Equal(q.Channels, []string{"#meet"}) {
		t.Errorf("quit channels %q", q.Channels)
	}
	feed(t, s, ":carol!c@h KICK #meet chair :bye")
	if c.InChannel("#meet") || c.Members("#meet") != nil || c.HasOp("#meet") {
		t.Error("state kept after our KICK")
	}
	feed(t, s, ":chair!c@h PART #other")
	if c.InChannel("#other") {
		t.Error("state kept after our PART")
	}
}

// TestNotInChannelCostsNothing: a server sending channel lines for 20,000
// channels we never joined gets no events, no state and no allocations
// beyond parsing; each line is counted.
func TestNotInChannelCostsNothing(t *testing.T) {
	c, s := offline(t)
	feed(t, s, ":chair!c@h JOIN #meet")
	var lines []string
	for i := range 20000 {
		ch := fmt.Sprintf("#spam-%05d", i)
		lines = append(lines, ":x!x@h PRIVMSG "+ch+" :buy now", ":x!x@h NOTICE "+ch+" :n", ":x!x@h JOIN "+ch,
			":x!x@h PART "+ch, ":x!x@h MODE "+ch+" +o x", ":x!x@h TOPIC "+ch+" :t", ":x!x@h KICK "+ch+" y")
	}
	if evs := feed(t, s, lines...); len(evs) != 0 {
		t.Fatalf("%d events for channels we are not in, first %#v", len(evs), evs[0])
	}
	if got := c.Dropped(); got != uint64(len(lines)) {
		t.Errorf("Dropped = %d, want %d", got, len(lines))
	}
	if len(c.chans) != 1 || len(c.echoWait) != 0 {
		t.Errorf("state grew: %d channels, %d echo queues", len(c.chans), len(c.echoWait))
	}
	evs := feed(t, s, ":x!x@h PRIVMSG #meet :hello", ":x!x@h PRIVMSG chair :private")
	if len(evs) != 2 {
		t.Errorf("lines for our channel and for us: %d events", len(evs))
	}
}

func BenchmarkDropNotInChannel(b *testing.B) {
	_, s := offline(b)
	line := ":x!x@h PRIVMSG #never-joined :a line nobody should pay for"
	b.ReportAllocs()
	for b.Loop() {
		msg, _ := ircmsg.ParseLine(line)
		s.handle(msg)
	}
}

// TestLocalEchoWaitsForJoin: without echo-message, a line written to a
// channel whose JOIN has not come back yet is echoed right after our Join
// event; if the JOIN is refused, it is not echoed at all (the server
// refused the line too); a line to a channel we are neither in nor joining
// is not echoed.
func TestLocalEchoWaitsForJoin(t *testing.T) {
	c, s := offline(t)
	echo := func(target, text string) Event {
		return Message{Meta: Meta{Time: time.Now()}, Source: Source{Nick: "chair", Self: true}, Target: target, Text: text}
	}
	c.addChannels([]string{"#meet", "#banned"})
	before := len(c.events.Queued())
	emitEcho(c, "#meet", echo("#meet", "early"))
	emitEcho(c, "#banned", echo("#banned", "refused"))
	emitEcho(c, "#random", echo("#random", "not joining"))
	emitEcho(c, "bob", echo("bob", "private"))
	evs := feed(t, s, ":chair!c@h JOIN #meet", ":irc.test 474 chair #banned :Cannot join channel (+b)", ":chair!c@h JOIN #banned")
	var got []string
	for _, ev := range c.events.Queued()[before:] {
		switch e := ev.(type) {
		case Message:
			got = append(got, "msg "+e.Target+" "+e.Text)
		case Join:
			got = append(got, "join "+e.Channel)
		case Error:
			got = append(got, "error "+e.Code)
		}
	}
	want := []string{"msg bob private", "join #meet", "msg #meet early", "error 474", "join #banned"}
	if !slices.Equal(got, want) {
		t.Errorf("events %q, want %q", got, want)
	}
	_ = evs
	if c.Dropped() != 1 {
		t.Errorf("Dropped = %d, want 1 (the echo to #random)", c.Dropped())
	}
}

// TestHistoryDetection: lines inside chathistory and znc.in/playback
// batches (nested too) and channel lines older than our JOIN are History;
// live lines, other batch types and lines after a batch closes are not;
// history changes no channel state.
func TestHistoryDetection(t *testing.T) {
	c, s := offline(t)
	join := "2026-03-01T15:00:00.000Z"
	feed(t, s, "@time="+join+" :chair!c@h JOIN #meet", ":irc.test 353 chair = #meet :@chair bob", ":irc.test 366 chair #meet :End")
	tests := []struct {
		lines   []string
		history []bool // of the events the lines give, in order
	}{
		{[]string{"@time=2026-03-01T15:00:01.000Z :bob!b@h PRIVMSG #meet :live"}, []bool{false}},
		{[]string{":bob!b@h PRIVMSG #meet :no time tag"}, []bool{false}},
		{[]string{"@time=2026-03-01T14:59:50.000Z :bob!b@h PRIVMSG #meet :before our join"}, []bool{true}},
		{[]string{"@time=2026-03-01T14:59:59.000Z :bob!b@h PRIVMSG #meet :within the clock skew"}, []bool{false}},
		{[]string{"@time=2020-01-01T10:00:00.000Z :bob!b@h PRIVMSG bob :private, old"}, []bool{false}},
		{[]string{
			":irc.test BATCH +h1 chathistory #meet",
			"@batch=h1;time=2026-03-01T16:00:00.000Z :old!o@h PRIVMSG #meet :#startmeeting from history",
			"@batch=h1 :old!o@h NOTICE #meet :history notice",
			"@batch=h1 :old!o@h JOIN #meet",
			"@batch=h1 :bob!b@h PART #meet",
			"@batch=h1 :bob!b@h NICK :bobby",
			"@batch=h1 :chair!c@h KICK #meet bob",
			"@batch=h1 :chair!c@h TOPIC #meet :old topic",
			"@batch=h1 :chair!c@h MODE #meet -o chair",
			"@batch=h1 :chair!c@h PRIVMSG bob :private history",
			":irc.test BATCH -h1",
			":bob!b@h PRIVMSG #meet :after the batch",
		}, []bool{true, true, true, true, true, true, true, true, true, false}},
		{[]string{
			":irc.test BATCH +z znc.in/playback #meet",
			"@batch=z;time=2026-03-01T16:00:00.000Z :old!o@h PRIVMSG #meet :\x01ACTION waves\x01",
			":irc.test BATCH -z",
		}, []bool{true}},
		{[]string{
			":irc.test BATCH +outer chathistory #meet",
			"@batch=outer :irc.test BATCH +inner netjoin irc.a irc.b",
			"@batch=inner :old!o@h PRIVMSG #meet :nested in history",
			":irc.test BATCH -inner",
			":irc.test BATCH -outer",
			":irc.test BATCH +lr labeled-response",
			"@batch=lr :bob!b@h PRIVMSG #meet :not history",
			":irc.test BATCH -lr",
		}, []bool{true, false}},
	}
	for _, tt := range tests {
		evs := feed(t, s, tt.lines...)
		if len(evs) != len(tt.history) {
			t.Errorf("%q: %d events, want %d: %#v", tt.lines, len(evs), len(tt.history), evs)
			continue
		}
		for i, ev := range evs {
			if got := metaOf(ev).History; got != tt.history[i] {
				t.Errorf("%q: event %d %#v: History=%v, want %v", tt.lines, i, ev, got, tt.history[i])
			}
		}
	}
	if got := nicks(c.Members("#meet")); got != "@chair bob" || c.Topic("#meet") != "" || !c.InChannel("#meet") {
		t.Errorf("history changed the state: members %q, topic %q", got, c.Topic("#meet"))
	}
}

// TestHistoryUntaggedJoin: without server-time on our JOIN, only lines
// clearly older than it (beyond the allowed clock skew) are history.
func TestHistoryUntaggedJoin(t *testing.T) {
	_, s := offline(t)
	feed(t, s, ":chair!c@h JOIN #meet")
	at := func(d time.Duration) string {
		return "@time=" + time.Now().Add(d).UTC().Format(time.RFC3339Nano) + " :bob!b@h PRIVMSG #meet :x"
	}
	evs := feed(t, s, at(-time.Hour), at(-2*time.Second), at(time.Second))
	for i, want := range []bool{true, false, false} {
		if got := metaOf(evs[i]).History; got != want {
			t.Errorf("line %d: History=%v, want %v", i, got, want)
		}
	}
}

func metaOf(ev Event) Meta {
	switch e := ev.(type) {
	case Message:
		return e.Meta
	case Action:
		return e.Meta
	case Notice:
		return e.Meta
	case Join:
		return e.Meta
	case Part:
		return e.Meta
	case Kick:
		return e.Meta
	case NickChange:
		return e.Meta
	case Topic:
		return e.Meta
	case Mode:
		return e.Meta
	case Quit:
		return e.Meta
	}
	return Meta{}
}

// BenchmarkHandleChannelMessage: one server line for a channel we are in,
// from parsing to the event queued for the consumer (the reader
// goroutine's whole cost per line).
func BenchmarkHandleChannelMessage(b *testing.B) {
	c, s := offline(b)
	feed(b, s, ":chair!c@h JOIN #meet")
	line := "@time=2026-03-01T15:04:05.123Z;account=alice :alice!a@host PRIVMSG #meet :#info a typical line said in a meeting, of typical length"
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		msg, err := ircmsg.ParseLine(line)
		if err != nil {
			b.Fatal(err)
		}
		s.handle(msg)
		if n++; n%4096 == 0 {
			c.events.Take()
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// emitEcho emits the event of a line the server accepted.
func emitEcho(c *Client, target string, ev Event) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.emitEchoLocked(target, ev)
}
