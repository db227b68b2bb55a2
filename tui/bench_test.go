package tui

import (
	"fmt"
	"runtime"
	"testing"
	"unsafe"

	tea "charm.land/bubbletea/v2"

	"gavel/tui/chanlog"
	"gavel/tui/cmdline"
)

// fillScrollback pushes n varied lines (some wrapping, some formatted, some
// mentions) into the current window.
func fillScrollback(m *Model, n int) {
	w := m.wins.Current()
	nicks := []string{"nirik", "pingou", "threebean", "relrod", "smooge", "puiterwijk", "dgilmore", "lmacken"}
	for i := range n {
		text := fmt.Sprintf("line %d: the quick brown fox jumps over the lazy dog while mirrormanager2 syncs", i)
		if i%7 == 0 {
			text += " and then keeps talking for long enough to wrap onto a second row even on a wide screen, surely"
		}
		if i%11 == 0 {
			text = "\x02bold\x02 and \x0304red\x03 " + text
		}
		m.push(w, chanlog.Line{Time: fixedNow.Unix() + int64(i), Nick: nicks[i%len(nicks)], Text: text})
	}
}

func benchView(b *testing.B, lines int) {
	m := seedDemo(b, 278, fixedOpts())
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
	fillScrollback(m, lines)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkView200x60 renders the whole screen at 200x60; the cost must not
// depend on the length of the scrollback.
func BenchmarkView200x60(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("scrollback=%d", n), func(b *testing.B) { benchView(b, n) })
	}
}

// BenchmarkViewScrolledBack renders with the log scrolled half way back.
func BenchmarkViewScrolledBack(b *testing.B) {
	m := seedDemo(b, 278, fixedOpts())
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
	fillScrollback(m, 100_000)
	m.wins.Current().Log.Scroll(50_000)
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkFuzzy25k types a package name one letter at a time over 25,000
// names: the time per op is one keystroke.
func BenchmarkFuzzy25k(b *testing.B) {
	names := make([]string, 25_000)
	words := []string{"python", "golang", "rust", "perl", "ghc", "nodejs", "texlive", "kernel", "lib", "devel", "fonts", "plugin"}
	for i := range names {
		names[i] = fmt.Sprintf("%s-%s-%d", words[i%len(words)], words[(i/len(words))%len(words)], i)
	}
	pattern := "pythonfonts12"
	b.Run("first-letter", func(b *testing.B) {
		for b.Loop() {
			cmdline.NewMatcher(names).Find("p", 200)
		}
	})
	mt := cmdline.NewMatcher(names)
	for i := 1; i <= len(pattern); i++ {
		b.Run("keystroke-"+pattern[:i], func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				mt.Find(pattern[:i-1], 200) // the previous keystroke, as when typing
				b.StartTimer()
				mt.Find(pattern[:i], 200)
			}
		})
	}
	b.Run("typing", func(b *testing.B) {
		b.ReportAllocs()
		keys := 0
		for b.Loop() {
			mt := cmdline.NewMatcher(names)
			for i := 1; i <= len(pattern); i++ {
				mt.Find(pattern[:i], 200)
				keys++
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(keys)/1e6, "ms/keystroke")
	})
}

// BenchmarkScrollbackMemory reports the heap cost of one scrollback line
// (struct plus text) in a full 100,000-line ring.
func BenchmarkScrollbackMemory(b *testing.B) {
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		buf := chanlog.NewBuffer(100_000)
		for i := range 100_000 {
			buf.Push(chanlog.Line{Time: int64(i), Nick: "pingou", Text: fmt.Sprintf("line %d: a typical sixty-byte line of meeting chatter here", i)})
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/100_000, "B/line")
		b.ReportMetric(float64(unsafe.Sizeof(chanlog.Line{})), "B/line-struct")
		runtime.KeepAlive(buf)
	}
}
