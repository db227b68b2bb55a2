package minutes

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"gavel/meeting"
)

// view holds what every minutes writer derives from the meeting: the
// title, the ordered attendees and the action items by person, computed
// once in the style's rules.
type view struct {
	m       *meeting.Meeting
	zod     bool
	base    string // file base name
	logHref string // base.log.html, relative
	logsURL string // full URL of base.log.html

	title      string
	actions    []meeting.Item
	people     []meeting.Attendee // "People present" order
	byPerson   []personActions    // only nicks with actions
	unassigned []meeting.Item
	assigned   int // (nick, action) pairs
}

type personActions struct {
	nick  string
	items []meeting.Item
}

// MeetBot's version and information URL, as printed by zodbot.
const (
	meetBotVersion = "0.1.4"
	meetBotInfoURL = "http://wiki.debian.org/MeetBot"
	timeZone       = "UTC"
)

func newView(m *meeting.Meeting, base string, opts Options) *view {
	zod := opts.Style == meeting.StyleZodbot
	if !zod {
		m = plainMeeting(m)
	}
	v := &view{
		m:       m,
		zod:     zod,
		base:    base,
		logHref: base + ".log.html",
		logsURL: opts.logsURL(base),
		title:   pageTitle(m),
		actions: m.Actions(),
	}
	nicks := v.nickOrder()
	v.people = v.peopleOrder(nicks)

	// Action items, by person: every attendee sorted case-insensitively
	// (each nick lower-cased once, not at each comparison).
	sorted := make([]keyedNick, len(nicks))
	for i, n := range nicks {
		if v.zod {
			sorted[i] = keyedNick{n, meeting.PyLower(n)}
		} else {
			sorted[i] = keyedNick{n, strings.ToLower(n)}
		}
	}
	if v.zod {
		// sorted(attendees, key=lambda x: x.lower()) on unicode nicks.
		slices.SortStableFunc(sorted, func(a, b keyedNick) int { return strings.Compare(a.key, b.key) })
	} else {
		slices.SortStableFunc(sorted, func(a, b keyedNick) int {
			return cmp.Or(strings.Compare(a.key, b.key), strings.Compare(a.nick, b.nick))
		})
	}
	done := make([]bool, len(v.actions))
	var index map[string][]int // nick-word (default) or nick (zodbot) -> actions naming it
	var lowered []string       // the actions' texts lower-cased (default, few actions)
	switch {
	case len(v.actions) == 0:
	case v.zod:
		names := make([]string, len(sorted))
		for i, k := range sorted {
			names[i] = k.nick
		}
		index = substringHits(v.actions, names)
	case len(v.actions)*len(sorted) <= 512:
		// Few: each nick looked for in each text costs less than an
		// index of every word.
		lowered = make([]string, len(v.actions))
		for i, a := range v.actions {
			lowered[i] = strings.ToLower(a.Text)
		}
	default:
		index = wordIndex(v.actions)
	}
	exact := !v.zod && meeting.IsMatrixRoom(m.Channel) // a room compares names exactly (meeting.NickFold)
	for _, k := range sorted {
		if len(v.actions) == 0 {
			break
		}
		nick := k.nick
		var pa personActions
		var hits []int
		switch {
		case v.zod:
			// MeetBot 0.1.4: a case-sensitive substring anywhere.
			hits = index[nick]
		case isNickWord(nick) && lowered != nil:
			for i, lt := range lowered {
				if mentionsLower(lt, k.key) {
					hits = append(hits, i)
				}
			}
		case isNickWord(nick):
			hits = index[k.key]
		default:
			for i, a := range v.actions {
				if mentions(a.Text, nick) {
					hits = append(hits, i)
				}
			}
		}
		if exact {
			// A Matrix room's names compare exactly (meeting.NickFold):
			// "alice" is not the action of the member "Alice".
			hits = slices.DeleteFunc(slices.Clone(hits), func(i int) bool { return !mentionsLower(v.actions[i].Text, nick) })
		}
		for _, i := range hits {
			pa.items = append(pa.items, v.actions[i])
			done[i] = true
		}
		if len(pa.items) > 0 {
			pa.nick = nick
			v.byPerson = append(v.byPerson, pa)
			v.assigned += len(pa.items)
		}
	}
	for i, a := range v.actions {
		if !done[i] {
			v.unassigned = append(v.unassigned, a)
		}
	}
	return v
}

// keyedNick is a nick and the key it sorts by.
type keyedNick struct{ nick, key string }

// plainMeeting is a copy of m with every text as the default style
// publishes it (meeting.PlainText): no formatting codes, no control
// characters, valid UTF-8.
func plainMeeting(m *meeting.Meeting) *meeting.Meeting {
	if isPlainMeeting(m) {
		return m // the engine's meetings are: no copy
	}
	c := *m
	p := meeting.PlainText
	c.Channel, c.Owner, c.Title, c.Name = p(m.Channel), p(m.Owner), p(m.Title), p(m.Name)
	c.Chairs = make([]string, len(m.Chairs))
	for i, n := range m.Chairs {
		c.Chairs[i] = p(n)
	}
	c.Items = make([]meeting.Item, len(m.Items))
	for i, it := range m.Items {
		it.Nick, it.Text = p(it.Nick), p(it.Text)
		c.Items[i] = it
	}
	c.Attendees = make([]meeting.Attendee, len(m.Attendees))
	for i, a := range m.Attendees {
		a.Nick = p(a.Nick)
		c.Attendees[i] = a
	}
	c.Votes = make([]*meeting.Vote, len(m.Votes))
	for i, vote := range m.Votes {
		cv := *vote
		cv.Question, cv.Nick = p(vote.Question), p(vote.Nick)
		cv.Options = make([]string, len(vote.Options))
		for j, o := range vote.Options {
			cv.Options[j] = p(o)
		}
		cv.Voters = make([]string, len(vote.Voters))
		cv.Ballots = make(map[string]string, len(vote.Ballots))
		for j, n := range vote.Voters {
			cv.Voters[j] = p(n)
			cv.Ballots[p(n)] = p(vote.Ballots[n])
		}
		c.Votes[i] = &cv
	}
	return &c
}

// isPlainMeeting reports whether every text of m is PlainText already.
func isPlainMeeting(m *meeting.Meeting) bool {
	plain := func(s string) bool { return meeting.PlainText(s) == s }
	if !plain(m.Channel) || !plain(m.Owner) || !plain(m.Title) || !plain(m.Name) {
		return false
	}
	for _, n := range m.Chairs {
		if !plain(n) {
			return false
		}
	}
	for _, it := range m.Items {
		if !plain(it.Nick) || !plain(it.Text) {
			return false
		}
	}
	for _, a := range m.Attendees {
		if !plain(a.Nick) {
			return false
		}
	}
	for _, v := range m.Votes {
		if !plain(v.Question) || !plain(v.Nick) {
			return false
		}
		for _, o := range v.Options {
			if !plain(o) {
				return false
			}
		}
		for _, n := range v.Voters {
			if !plain(n) || !plain(v.Ballots[n]) {
				return false
			}
		}
	}
	return true
}

// endTime is the time the minutes say the meeting ended: its end, or,
// while it runs, the time of its last line (the #save that writes them,
// as MeetBot's do_save set its end time).
func endTime(m *meeting.Meeting) time.Time {
	if m.End.IsZero() {
		return m.LastLine
	}
	return m.End
}

// pageTitle is "#channel: topic", or "#channel Meeting" without a topic.
func pageTitle(m *meeting.Meeting) string {
	if m.Title != "" {
		return m.Channel + ": " + m.Title
	}
	return m.Channel + " Meeting"
}

// nickOrder returns the attendee nicks in the order the attendees
// dictionary iterates: CPython 2.7 slot order for zodbot, first-seen
// order otherwise.
func (v *view) nickOrder() []string {
	nicks := make([]string, 0, len(v.m.Attendees))
	seen := make(map[string]bool, len(v.m.Attendees))
	for _, a := range v.m.Attendees {
		if !seen[a.Nick] {
			seen[a.Nick] = true
			nicks = append(nicks, a.Nick)
		}
	}
	if !v.zod {
		return nicks
	}
	order := py27DictOrder(nicks)
	out := make([]string, len(order))
	for i, idx := range order {
		out[i] = nicks[idx]
	}
	return out
}

// peopleOrder sorts the attendees by lines said, descending. Ties keep
// the dictionary order in zodbot style and are alphabetical
// (case-insensitive) in the default style.
func (v *view) peopleOrder(nicks []string) []meeting.Attendee {
	count := make(map[string]int, len(v.m.Attendees))
	for _, a := range v.m.Attendees {
		count[a.Nick] += a.Lines
	}
	people := make([]meeting.Attendee, len(nicks))
	for i, n := range nicks {
		people[i] = meeting.Attendee{Nick: n, Lines: count[n]}
	}
	if v.zod {
		slices.SortStableFunc(people, func(a, b meeting.Attendee) int { return b.Lines - a.Lines })
		return people
	}
	// Each nick lower-cased once, not at each comparison.
	type keyed struct {
		meeting.Attendee
		key string
	}
	ks := make([]keyed, len(people))
	for i, p := range people {
		ks[i] = keyed{p, strings.ToLower(p.Nick)}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int {
		return cmp.Or(b.Lines-a.Lines, strings.Compare(a.key, b.key), strings.Compare(a.Nick, b.Nick))
	})
	for i, k := range ks {
		people[i] = k.Attendee
	}
	return people
}

// assignedTo reports whether an action item's text names nick: a
// case-sensitive substring (zodbot) or, with both already lower-cased, a
// whole word.
// wordIndex maps every word of the actions' texts (lower-cased maximal
// runs of nick characters) to the actions holding it, in order, each
// action once: whole-word matching in one pass over the texts.
func wordIndex(actions []meeting.Item) map[string][]int {
	index := map[string][]int{}
	for i, a := range actions {
		t := strings.ToLower(a.Text)
		for j := 0; j < len(t); {
			if !isNickByte(t[j]) {
				j++
				continue
			}
			k := j
			for k < len(t) && isNickByte(t[k]) {
				k++
			}
			w := t[j:k]
			if l := index[w]; len(l) == 0 || l[len(l)-1] != i {
				index[w] = append(l, i)
			}
			j = k
		}
	}
	return index
}

// isNickWord reports whether nick is made of nick characters only, so that
// wordIndex can find it.
func isNickWord(nick string) bool {
	for i := 0; i < len(nick); i++ {
		if !isNickByte(nick[i]) {
			return false
		}
	}
	return nick != ""
}

// mentions reports whether nick occurs in text as a whole word, ignoring
// case. Word characters are those IRC allows in nicks.
func mentions(text, nick string) bool {
	return mentionsLower(strings.ToLower(text), strings.ToLower(nick))
}

// mentionsLower is mentions on lower-cased text and nick.
func mentionsLower(lt, ln string) bool {
	if ln == "" {
		return false
	}
	for off := 0; off <= len(lt); {
		i := strings.Index(lt[off:], ln)
		if i < 0 {
			return false
		}
		i += off
		j := i + len(ln)
		if (i == 0 || !isNickByte(lt[i-1])) && (j == len(lt) || !isNickByte(lt[j])) {
			return true
		}
		off = i + 1
	}
	return false
}

func isNickByte(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c >= 0x80:
		return true
	}
	return strings.IndexByte("-_[]\\^{}|`", c) >= 0
}

// clock formats t as HH:MM:SS in UTC.
// endedLine is the minutes' "Meeting ended at HH:MM:SS UTC" (without the
// full stop); minutes of a meeting still running end at its last line
// (endTime). In the default style such minutes (saved or previewed
// mid-meeting) say the meeting is in progress instead; zodbot style keeps
// MeetBot's text.
func (v *view) endedLine() string {
	if !v.m.Ended() && !v.zod {
		return "Meeting in progress (started at " + clock(v.m.Start) + ", minutes as of " + clock(endTime(v.m)) + " " + timeZone + ")"
	}
	return "Meeting ended at " + clock(endTime(v.m)) + " " + timeZone
}

func clock(t time.Time) string {
	var b [8]byte
	return string(appendClock(b[:0], t))
}

// appendClock appends HH:MM:SS of t in UTC without allocating.
func appendClock(b []byte, t time.Time) []byte {
	// The seconds of the UTC day, from the Unix time: cheaper than
	// t.UTC().Clock(), and the same, for every line of every file.
	sec := int(t.Unix() % 86400)
	if sec < 0 {
		sec += 86400
	}
	h, m, s := sec/3600, sec/60%60, sec%60
	return append(b, byte('0'+h/10), byte('0'+h%10), ':', byte('0'+m/10), byte('0'+m%10), ':', byte('0'+s/10), byte('0'+s%10))
}

// zodbotLink splits a #link argument as MeetBot 0.1.4 does: the first
// space-separated word is the URL, the rest (stripped) the text.
func zodbotLink(text string) (url, rest string) {
	url, rest, _ = strings.Cut(text+" ", " ")
	return url, strings.TrimFunc(rest, pySpaceRune)
}

func pySpaceRune(r rune) bool { return meeting.PyIsSpace(r) }

// linkSchemes are the URL schemes the default style turns into links.
var linkSchemes = []string{"http://", "https://", "ftp://", "irc://", "ircs://", "mailto:"}

// findURL finds the first URL with a linkable scheme in text, starting at
// a word boundary and running to whitespace or one of <>"; trailing '.',
// ',', ')' (and ';', ':', '!', '?', '\”) are not part of it. It returns
// the byte range, or ok=false.
func findURL(text string) (start, end int, ok bool) {
	for i := 0; i < len(text); i++ {
		if i > 0 {
			c := text[i-1]
			if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.' {
				continue
			}
		}
		for _, sch := range linkSchemes {
			if len(text)-i < len(sch) || !strings.EqualFold(text[i:i+len(sch)], sch) {
				continue
			}
			j := i + len(sch)
			for j < len(text) && !isASCIISpace(text[j]) && text[j] != '<' && text[j] != '>' && text[j] != '"' {
				j++
			}
			for j > i+len(sch) && strings.IndexByte(".,);:!?'", text[j-1]) >= 0 {
				j--
			}
			if j > i+len(sch) {
				return i, j, true
			}
		}
	}
	return 0, 0, false
}

// linkURL returns the linkable URL of a LINK item in the default style.
func linkURL(text string) string {
	if i, j, ok := findURL(text); ok {
		return text[i:j]
	}
	return ""
}

// sizeHint is about the size of the largest file of the minutes, which
// writes each item and each action twice (item and by person) with up to
// some 200 bytes of markup and links besides their text, and a line per
// person.
func (v *view) sizeHint() int {
	n := 4<<10 + 2*len(v.logsURL)
	for _, it := range v.m.Items {
		n += len(it.Text) + len(it.Nick) + 200 + len(v.logsURL)
	}
	for _, a := range v.actions {
		n += 2 * (len(a.Text) + 16)
	}
	return n + len(v.people)*48
}
