package replay

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// randomLog is a generator of random MeetBot .log.txt meetings for
// differential testing: meeting commands of every kind by chairs and
// others (nicks differing only in case included), non-ASCII nicks and
// text, IRC formatting codes, control bytes, invalid and truncated UTF-8,
// HTML and Markdown metacharacters, odd meeting names (strftime codes,
// slashes, nothing at all) and long lines. The logs it writes are ones
// Fedora's MeetBot, replaying them, and zodbot, living them, would agree
// on: the first line starts the meeting, the last ends it, and no line
// would be read twice by MeetBot's replay (no text starting with "*").
type randomLog struct {
	rng     *rand.Rand
	channel string
	date    time.Time
	nicks   []string
	chairs  []string
	owner   string
	t       time.Time
	lines   []string
	// undoable logs have #undo, and then only ASCII items: MeetBot's
	// #undo crashes on non-ASCII ones.
	undoable bool
	// nickChanges adds nick changes as the default style logs them
	// ("-!- old is now known as new"), which MeetBot's logs never have.
	nickChanges bool
}

var (
	randNicks = []string{
		"alice", "Alice", "bob", "carol_", "dave[m]", "élodie", "Ærøskøbing", "юрий", "李雷",
		"ñandú", "x|y", "zoë", "ALICE", "Bob", "mallory`", "n1ck-name", "ǅemal", "ß", "İlkay",
		"ÉLODIE", "trent^", "ψ", "𝔣raktur", "ok", "k",
	}
	randWords = []string{
		"the", "meeting", "is", "on", "track", "ship", "it", "release", "blocker", "f42", "kernel",
		"<b>bold</b>", "a&b", "\"quoted\"", "it's", "_under_", "*star*", "`tick`", "[link](x)",
		"café", "naïve", "日本語", "Ωmega", "😀", "\u00a0nbsp", "tab\there", "x\u3000y",
		"\x02bold\x02", "\x0304red\x03", "\x03,12bg", "\x0312,04both\x0f", "\x1ditalic\x1d", "\x1funder\x1f",
		"\x16rev\x16", "\x0f", "\x11mono\x11", "\x1estrike\x1e", "\x04ff0000hex\x04",
		"bell\x07", "esc\x1b[2J", "\x1b]0;title\x07", "nul\x00byte", "del\x7f", "c1\u009bx",
		"bad\xff", "trunc\xe2\x82", "trunc\xe2\x82!", "\xf0\x9f\x98", "\xc3", "\xed\xa0\x80sur",
		"http://example.org/a?b=c&d", "https://x.y/\"q\"", "mailto:someone@example.org",
		"sWRAPs", "eWRAPe", "%c", "100%", "%%", "%Y", "a/b", "..", "\\back", "wordthatislongerthanseventytwocharacterswordthatislongerthanseventytwochars",
		"#hash", ":colon", "nick:", "ACTION", "\x01", "ǆ", "ﬁ", "\u180e", "\x1c", "\u2028",
	}
	randTitles = []string{
		"Infrastructure", "Fedora IoT Working Group Meeting", "100%c", "a/b/c", "..", "ELODIE's meeting",
		"  spaced   out  ", "\x02Bold\x02 title", "%Y-%m", "%%", "x", "tab\tsep", "%q%", "cafe/Uni",
		"%", "name with trailing %", "SHOUT MEETING", "with.dots.in", "a%%b", "%s%s%s", "%D", "%-5d%^a%#b",
		"<b>&amp;</b>", "x%5", "%E", "/", "\x0304red\x03 name",
	}
	randTopics = []string{"ÉLODIE's meeting", "日本語 会議", "café/Ünï", "ǅ", "\u00a0nbsp\u00a0"}
	randURLs   = []string{"http://example.org", "https://fedoraproject.org/wiki/Meeting", "ftp://ftp.example.org/x",
		"irc://irc.libera.chat/#fedora", "mailto://x@y", "ssh://host", "http://a.b/<script>", "https://x/\"y\"", "http://ü.example/ï"}
)

func newRandomLog(seed uint64) *randomLog {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	g := &randomLog{rng: rng}
	// MeetBot crashes on non-ASCII channels and meeting names (it mixes
	// their bytes with unicode text): those are ASCII.
	channels := []string{"#fedora-meeting", "#Fedora-Meeting", "#a/b", "#x_y", "##double", "#c.d", "#100%", "#fedora-meeting-1"}
	g.channel = channels[rng.IntN(len(channels))]
	g.date = time.Date(2015+rng.IntN(10), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
	n := 2 + rng.IntN(8)
	perm := rng.Perm(len(randNicks))
	for _, i := range perm[:n] {
		g.nicks = append(g.nicks, randNicks[i])
	}
	// MeetBot crashes on a non-ASCII owner (it mixes the owner's bytes
	// with unicode text): the owner is ASCII.
	for _, c := range g.nicks[0] {
		if c >= 0x80 {
			g.nicks[0] = "chairperson"
			break
		}
	}
	g.owner = g.nicks[0]
	g.t = g.date.Add(time.Duration(rng.IntN(24*3600)) * time.Second)
	g.undoable = rng.IntN(2) == 0
	return g
}

func (g *randomLog) pick(list []string) string { return list[g.rng.IntN(len(list))] }

// text is a few random words.
func (g *randomLog) text(max int) string {
	n := 1 + g.rng.IntN(max)
	w := make([]string, n)
	for i := range w {
		if g.rng.IntN(4) == 0 {
			w[i] = g.pick(g.nicks)
		} else {
			w[i] = g.pick(randWords)
		}
	}
	sep := " "
	if g.rng.IntN(10) == 0 {
		sep = "  "
	}
	s := strings.Join(w, sep)
	// MeetBot's replay would read a text starting with "*" (after an
	// optional time) a second time, as an action: keep clear of that.
	for strings.HasPrefix(strings.TrimLeft(s, "[0123456789: ]"), "*") || strings.HasPrefix(s, "[") {
		s = "x" + s
	}
	return s
}

func (g *randomLog) say(nick, text string) {
	g.t = g.t.Add(time.Duration(g.rng.IntN(40)) * time.Second)
	g.lines = append(g.lines, g.t.Format("15:04:05")+" <"+nick+"> "+text)
}

func (g *randomLog) act(nick, text string) {
	g.t = g.t.Add(time.Duration(g.rng.IntN(40)) * time.Second)
	g.lines = append(g.lines, g.t.Format("15:04:05")+" * "+nick+" "+text)
}

// someone is a chair most of the time, anyone else otherwise.
func (g *randomLog) someone() string {
	if g.rng.IntN(3) > 0 {
		if g.rng.IntN(2) == 0 || len(g.chairs) == 0 {
			return g.owner
		}
		return g.pick(g.chairs)
	}
	return g.pick(g.nicks)
}

func (g *randomLog) nickList() string {
	n := 1 + g.rng.IntN(3)
	var s []string
	for range n {
		s = append(s, g.pick(g.nicks))
	}
	seps := []string{" ", ", ", ",", " ,  "}
	return strings.Join(s, g.pick(seps))
}

// asciiOnly keeps the ASCII bytes of s.
func asciiOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 0x80 {
			return -1
		}
		return r
	}, s)
}

func (g *randomLog) command() {
	cmds := []string{"topic", "info", "idea", "help", "halp", "link", "action", "agreed", "agree", "accepted",
		"accept", "rejected", "reject", "chair", "unchair", "undo", "nick", "meetingname", "meetingtopic", "save",
		"lurk", "unlurk", "commands", "startvote", "vote", "endvote", "showvote", "endmeeting", "TOPIC", "Info", "unknown"}
	cmd := g.pick(cmds)
	nick := g.someone()
	arg := ""
	lc := strings.ToLower(cmd)
	if lc == "undo" && !g.undoable {
		return
	}
	switch lc {
	case "topic", "info", "idea", "help", "halp", "agreed", "agree", "accepted", "accept", "rejected", "reject", "unknown":
		arg = g.text(12)
	case "link":
		if g.rng.IntN(2) == 0 {
			arg = g.pick(randURLs) + " " + g.text(5)
		} else {
			arg = g.text(5) + " " + g.pick(randURLs)
		}
	case "action":
		arg = g.pick(g.nicks) + " to " + g.text(10)
		if g.rng.IntN(3) == 0 {
			arg = strings.ToUpper(arg)
		}
	case "chair":
		arg = g.nickList()
	case "unchair", "nick":
		arg = g.nickList()
	case "meetingname":
		switch g.rng.IntN(4) {
		case 0:
			arg = ""
		case 1:
			arg = strings.ReplaceAll(asciiOnly(g.text(3)), "\x00", "")
		default:
			arg = g.pick(randTitles)
		}
	case "meetingtopic":
		switch g.rng.IntN(4) {
		case 0:
			arg = g.pick([]string{"none", "UNSET", ""})
		case 1:
			arg = g.pick(randTopics)
		default:
			arg = g.pick(randTitles)
		}
	case "startvote":
		arg = g.text(4) + "? " + g.pick([]string{"yes, no", "a/b/c", "", "+1, 0, -1"})
	case "vote":
		arg = g.pick([]string{"yes", "No", "a", "+1", "maybe"})
	case "endmeeting":
		if isChairNick(g, nick) {
			nick = g.pick(g.nicks)
			if isChairNick(g, nick) {
				return
			}
		}
	}
	if g.undoable && lc != "meetingtopic" && lc != "endmeeting" {
		arg = asciiOnly(arg)
		if !isASCIIString(nick) {
			nick = g.owner
		}
	}
	if lc == "chair" && isChairNick(g, nick) {
		g.chairs = append(g.chairs, strings.FieldsFunc(arg, func(r rune) bool { return r == ',' || r == ' ' })...)
	}
	line := "#" + cmd
	if arg != "" || g.rng.IntN(3) == 0 {
		line += g.pick([]string{" ", "  ", "\t", " \t"}) + arg
	}
	g.say(nick, strings.TrimRight(line, " \t"))
}

func isASCIIString(s string) bool { return asciiOnly(s) == s }

func isChairNick(g *randomLog, nick string) bool {
	if nick == g.owner {
		return true
	}
	for _, c := range g.chairs {
		if c == nick {
			return true
		}
	}
	return false
}

// generate returns the log: a #startmeeting, n random lines, #endmeeting.
func (g *randomLog) generate(n int) []byte {
	g.say(g.owner, "#startmeeting "+g.pick(randTitles))
	for range n {
		switch r := g.rng.IntN(20); {
		case r < 8:
			g.say(g.pick(g.nicks), g.text(15))
		case r < 16:
			g.command()
		case r < 17:
			u := g.pick(randURLs) + " " + g.text(3)
			if g.undoable {
				u = asciiOnly(u)
			}
			g.say(g.owner, u)
		case r < 18:
			g.act(g.pick(g.nicks), g.text(8))
		case r < 19:
			g.say(g.pick(g.nicks), "ACTION"+g.pick([]string{"", " ", "S are due", " waves"}))
		case r < 20 && g.nickChanges && g.rng.IntN(3) == 0:
			g.renameSomeone()
		default:
			g.say(g.pick(g.nicks), g.pick(g.nicks)+": "+g.text(6))
		}
	}
	g.say(g.owner, "#endmeeting")
	return []byte(strings.Join(g.lines, "\n") + "\n")
}

// renameSomeone changes a nick, the owner's or a chair's now and then.
func (g *randomLog) renameSomeone() {
	i := g.rng.IntN(len(g.nicks))
	old := g.nicks[i]
	nn := old + "_"
	if g.rng.IntN(4) == 0 {
		nn = g.pick(randNicks) // perhaps someone else's nick
	}
	g.t = g.t.Add(time.Duration(g.rng.IntN(40)) * time.Second)
	g.lines = append(g.lines, g.t.Format("15:04:05")+" -!- "+old+" is now known as "+nn)
	g.nicks[i] = nn
	if old == g.owner {
		g.owner = nn
	}
	for j, c := range g.chairs {
		if c == old {
			g.chairs[j] = nn
		}
	}
}

func (g *randomLog) String() string {
	return fmt.Sprintf("channel %s date %s", g.channel, g.date.Format("2006-01-02"))
}
