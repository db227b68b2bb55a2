// Package winlist is the console's window list: the status window, one
// window per channel and per private conversation, each with its
// scrollback, its activity and a number that stays its own (closing and
// reopening a channel gives it its old number back, as in irssi). It
// renders the window bar and switches windows on Ctrl+N, Ctrl+P and
// Alt+number.
package winlist

import (
	"slices"
	"strconv"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gavel/tui/chanlog"
	"gavel/tui/common"
)

// Kind is what a window shows.
type Kind uint8

// Window kinds.
const (
	Status  Kind = iota // the console's own window: server messages, lookups, errors
	Channel             // a channel
	Query               // a private conversation
)

// Activity is a window's unseen state.
type Activity uint8

// Activity levels: nothing new, new lines, a mention of our nick (or a
// private message).
const (
	Seen Activity = iota
	Unseen
	Mentioned
)

// Window is one channel, query or the status window.
type Window struct {
	Name string
	Kind Kind
	Num  int
	Log  *chanlog.Log
	Act  Activity
	// Closing is set when we left the channel and the window closes once
	// the server confirms (our PART comes back): our last lines and the
	// meeting's last replies still come back to it first.
	Closing bool
	// queued are the absolute line numbers of lines typed while
	// disconnected, waiting for their echo (see Sent).
	queued []uint64
}

// Queue shows a line typed while disconnected, marked as queued.
func (w *Window) Queue(l chanlog.Line) {
	l.Flags |= chanlog.Queued | chanlog.Self
	w.Log.Push(l)
	w.queued = append(w.queued, w.Log.Buf.Total()-1)
}

// Sent takes the oldest queued line with this text off the queue when its
// echo arrives: the queued line becomes the line as sent (its time, no
// mark), and Sent reports true. False when no such line waits.
func (w *Window) Sent(text string, t int64) bool {
	for i, n := range w.queued {
		l := w.Log.Buf.Abs(n)
		if l == nil {
			continue
		}
		if l.Text == text {
			l.Flags &^= chanlog.Queued
			l.Time = t
			w.queued = slices.Delete(w.queued, i, i+1)
			return true
		}
	}
	return false
}

// Waiting reports whether a line with this text is shown as waiting
// (typed while disconnected, or written and not yet accepted).
func (w *Window) Waiting(text string) bool {
	for _, n := range w.queued {
		if l := w.Log.Buf.Abs(n); l != nil && l.Text == text {
			return true
		}
	}
	return false
}

// NotSent turns the oldest waiting line with this text into an error line
// that says it was not sent and why; it reports false when no such line
// waits.
func (w *Window) NotSent(text, why string) bool {
	for i, n := range w.queued {
		l := w.Log.Buf.Abs(n)
		if l == nil || l.Text != text {
			continue
		}
		l.Flags &^= chanlog.Queued | chanlog.Self
		l.Kind = chanlog.Error
		l.Text = "not sent: " + text + " — " + why
		w.queued = slices.Delete(w.queued, i, i+1)
		return true
	}
	return false
}

// QueuedLen is how many typed lines wait for the connection.
func (w *Window) QueuedLen() int { return len(w.queued) }

// List is the ordered set of windows (by number).
type List struct {
	common.Common

	wins    []*Window
	cur     int
	numbers map[string]int      // folded name -> the number it had
	newLog  func() *chanlog.Log // a new window's scrollback
}

// New returns a list holding the status window (number 1); newLog makes
// the scrollback of each new window.
func New(c common.Common, statusName string, newLog func() *chanlog.Log) *List {
	l := &List{Common: c, numbers: map[string]int{}, newLog: newLog}
	l.wins = []*Window{{Name: statusName, Kind: Status, Num: 1, Log: newLog()}}
	return l
}

// All returns the windows in number order (do not modify).
func (l *List) All() []*Window { return l.wins }

// Status is the status window.
func (l *List) Status() *Window { return l.wins[0] }

// Current is the focused window.
func (l *List) Current() *Window { return l.wins[l.cur] }

// Get returns the window of a channel or nick, or nil.
func (l *List) Get(name string) *Window {
	if i := l.index(name); i >= 0 {
		return l.wins[i]
	}
	return nil
}

func (l *List) index(name string) int {
	f := l.Me.FoldName(name)
	for i, w := range l.wins {
		if i > 0 && l.Me.FoldName(w.Name) == f {
			return i
		}
	}
	return -1
}

// ByNum returns the window with a number, or nil.
func (l *List) ByNum(n int) *Window {
	for _, w := range l.wins {
		if w.Num == n {
			return w
		}
	}
	return nil
}

// Open returns the window of name, creating it (with the number it had
// before, when that number is free, else the lowest free one).
func (l *List) Open(name string, kind Kind) *Window {
	if w := l.Get(name); w != nil {
		return w
	}
	f := l.Me.FoldName(name)
	num, ok := l.numbers[f]
	if !ok || l.ByNum(num) != nil {
		num = l.free()
	}
	l.numbers[f] = num
	w := &Window{Name: name, Kind: kind, Num: num, Log: l.newLog()}
	cur := l.Current()
	l.wins = append(l.wins, w)
	l.sort()
	l.cur = slices.Index(l.wins, cur)
	return w
}

func (l *List) free() int {
	for n := 2; ; n++ {
		if l.ByNum(n) == nil {
			return n
		}
	}
}

func (l *List) sort() {
	slices.SortFunc(l.wins, func(a, b *Window) int { return a.Num - b.Num })
}

// Close removes a window (never the status window); its number is kept
// for its name, its scrollback's bytes go back to the shared budget.
func (l *List) Close(w *Window) {
	i := slices.Index(l.wins, w)
	if i <= 0 {
		return
	}
	cur := l.Current()
	l.wins = slices.Delete(l.wins, i, i+1)
	w.Log.Release()
	if cur == w {
		l.cur = min(i, len(l.wins)-1)
		l.wins[l.cur].Act = Seen
		return
	}
	l.cur = slices.Index(l.wins, cur)
}

// Move gives w number n (2 or more); a window that had n takes w's old
// number.
func (l *List) Move(w *Window, n int) bool {
	if w.Kind == Status || n < 2 {
		return false
	}
	cur := l.Current()
	if other := l.ByNum(n); other != nil && other != w {
		other.Num = w.Num
		l.numbers[l.Me.FoldName(other.Name)] = other.Num
	}
	w.Num = n
	l.numbers[l.Me.FoldName(w.Name)] = n
	l.sort()
	l.cur = slices.Index(l.wins, cur)
	return true
}

// Focus makes w the current window: the window left gets its unread
// marker moved to its end, the new one is marked seen.
func (l *List) Focus(w *Window) {
	if i := slices.Index(l.wins, w); i >= 0 {
		l.focusIndex(i)
	}
}

func (l *List) focusIndex(i int) {
	if i < 0 || i >= len(l.wins) {
		return
	}
	if old := l.Current(); i != l.cur {
		old.Log.MarkRead()
	}
	l.cur = i
	l.wins[i].Act = Seen
}

// Update switches windows on the window keys.
func (l *List) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	n := len(l.wins)
	switch {
	case key.Matches(k, l.Keys.NextWin):
		l.focusIndex((l.cur + 1) % n)
	case key.Matches(k, l.Keys.PrevWin):
		l.focusIndex((l.cur - 1 + n) % n)
	case key.Matches(k, l.Keys.Win):
		num := int(k.Code - '0')
		if num == 0 {
			num = 10
		}
		if w := l.ByNum(num); w != nil {
			l.Focus(w)
		}
	}
	return nil
}

// Handles reports whether a key is one of the window keys.
func (l *List) Handles(k tea.KeyPressMsg) bool {
	return key.Matches(k, l.Keys.NextWin, l.Keys.PrevWin, l.Keys.Win)
}

// ShortHelp implements help.KeyMap.
func (l *List) ShortHelp() []key.Binding { return []key.Binding{l.Keys.NextWin, l.Keys.PrevWin} }

// FullHelp implements help.KeyMap.
func (l *List) FullHelp() [][]key.Binding {
	return [][]key.Binding{{l.Keys.NextWin, l.Keys.PrevWin, l.Keys.Win}}
}

// Mark records activity in a window that is not the current one.
func (l *List) Mark(w *Window, a Activity) {
	if w != l.Current() && a > w.Act {
		w.Act = a
	}
}

// Rows renders the window bar: "1:gavel 2:#fedora-meeting 3:nirik", unseen
// windows marked "+", windows with a mention "!", and right at the end.
func (l *List) Rows() []string { return []string{l.Bar("")} }

// Bar renders the window bar with right-aligned text.
func (l *List) Bar(right string) string {
	st := l.Styles
	var r common.Row
	r.Reset(l.Width)
	rw := common.TextWidth(right)
	// When the tabs do not fit, start late enough to show the current one.
	first := 0
	for {
		width := 0
		for _, w := range l.wins[first : l.cur+1] {
			width += common.TextWidth(tabLabel(w)) + 1
		}
		if width <= l.Width-rw-3 || first >= l.cur {
			break
		}
		first++
	}
	if first > 0 {
		r.Add(st.Bar, " …")
	}
	for i := first; i < len(l.wins); i++ {
		w := l.wins[i]
		label := " " + tabLabel(w)
		s := st.Bar
		switch {
		case i == l.cur:
			s = st.BarActive
		case w.Act == Mentioned:
			s, label = st.BarMention, label+"!"
		case w.Act == Unseen:
			s, label = st.BarActivity, label+"+"
		}
		label += " "
		if r.Left()-rw-2 < common.TextWidth(label) {
			r.Add(st.Bar, " …")
			break
		}
		r.Add(s, label)
	}
	if gap := r.Left() - rw; gap > 0 {
		r.Add(st.Bar, common.Spaces(gap))
	}
	r.Add(st.BarKey, right)
	r.Pad(st.Bar)
	return r.String()
}

func tabLabel(w *Window) string { return strconv.Itoa(w.Num) + ":" + w.Name }
