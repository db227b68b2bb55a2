// Package themes holds gavel's colour palettes: dark (the default), light and
// high-contrast, a colourless variant for NO_COLOR, and a loader for a user
// theme file (a small TOML subset) that overrides any colour.
//
// A Theme is only colours and a few flags; tui/common turns it into styles.
package themes

import (
	"fmt"
	"image/color"
	"slices"
	"strings"

	"charm.land/lipgloss/v2"
)

// Theme is a palette. A nil colour means "the terminal's default".
type Theme struct {
	Name string
	// Dark says whether the palette is meant for a dark background.
	Dark bool
	// Plain is set for NO_COLOR: every colour is nil and emphasis is drawn
	// with bold, underline and reverse video only.
	Plain bool

	Fg     color.Color // ordinary text
	Muted  color.Color // timestamps, joins and parts, hints
	Accent color.Color // titles, the current topic, the selected entry
	Border color.Color // pane borders
	Focus  color.Color // the border of the focused pane

	BarFg color.Color // window bar and status bar
	BarBg color.Color

	Activity color.Color // a window with unseen lines
	Mention  color.Color // own nick said by someone else; a window with a mention
	// MentionBg tints the whole line of a mention, so that a highlight
	// stands out from ordinary lines on any background.
	MentionBg color.Color
	Own       color.Color // our own nick
	Error     color.Color // server errors, failed lookups
	Match     color.Color // matched letters in the completion popup

	PopupFg  color.Color // completion popup, palette, help overlay
	PopupBg  color.Color
	SelectFg color.Color // the selected line of a popup
	SelectBg color.Color

	// Nicks is the palette nick colours are picked from (by an fnv hash).
	Nicks []color.Color
}

// Names lists the built-in themes.
func Names() []string { return []string{"dark", "light", "high-contrast"} }

// ByName returns a built-in theme ("dark", "light", "high-contrast" or
// "hc", "plain"/"none" for the colourless one).
func ByName(name string) (Theme, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "", "dark", "default":
		return Dark(), nil
	case "light":
		return Light(), nil
	case "high-contrast", "highcontrast", "hc", "contrast":
		return HighContrast(), nil
	case "plain", "none", "nocolor", "no-color":
		return Plain(), nil
	}
	return Theme{}, fmt.Errorf("themes: unknown theme %q (have %s)", name, strings.Join(Names(), ", "))
}

func hex(s string) color.Color { return lipgloss.Color(s) }

func hexes(ss ...string) []color.Color {
	out := make([]color.Color, len(ss))
	for i, s := range ss {
		out[i] = hex(s)
	}
	return out
}

// Dark is the default palette, for dark terminals.
func Dark() Theme {
	return Theme{
		Name: "dark", Dark: true,
		Fg: hex("#d0d0d0"), Muted: hex("#7a7f8c"), Accent: hex("#87afff"),
		Border: hex("#4e5566"), Focus: hex("#87afff"),
		BarFg: hex("#d0d0d0"), BarBg: hex("#2b3040"),
		Activity: hex("#ffd75f"), Mention: hex("#ffafc8"), MentionBg: hex("#4a1f33"), Own: hex("#5fd7af"),
		Error: hex("#ff5f5f"), Match: hex("#ffaf00"),
		PopupFg: hex("#e4e4e4"), PopupBg: hex("#303648"),
		SelectFg: hex("#1c1c1c"), SelectBg: hex("#87afff"),
		Nicks: hexes("#ff875f", "#ffaf5f", "#d7d75f", "#87d75f", "#5fd7af", "#5fd7ff",
			"#87afff", "#af87ff", "#d787d7", "#ff87af", "#afd7ff", "#d7af87"),
	}
}

// Light is a palette for light terminals.
func Light() Theme {
	return Theme{
		Name: "light", Dark: false,
		Fg: hex("#262626"), Muted: hex("#7a7a7a"), Accent: hex("#005fd7"),
		Border: hex("#b2b2b2"), Focus: hex("#005fd7"),
		BarFg: hex("#1c1c1c"), BarBg: hex("#dadde8"),
		Activity: hex("#af5f00"), Mention: hex("#87002f"), MentionBg: hex("#ffd7e4"), Own: hex("#006262"),
		Error: hex("#d70000"), Match: hex("#d75f00"),
		PopupFg: hex("#1c1c1c"), PopupBg: hex("#e8ebf5"),
		SelectFg: hex("#ffffff"), SelectBg: hex("#005fd7"),
		Nicks: hexes("#d75f00", "#af5f00", "#878700", "#5f8700", "#008787", "#0087af",
			"#005fd7", "#5f00d7", "#af00af", "#d7005f", "#875f00", "#5f5faf"),
	}
}

// HighContrast is a palette of pure colours on black, for low vision and
// washed-out projectors.
func HighContrast() Theme {
	return Theme{
		Name: "high-contrast", Dark: true,
		Fg: hex("#ffffff"), Muted: hex("#c0c0c0"), Accent: hex("#00ffff"),
		Border: hex("#ffffff"), Focus: hex("#ffff00"),
		BarFg: hex("#000000"), BarBg: hex("#ffffff"),
		Activity: hex("#ffff00"), Mention: hex("#000000"), MentionBg: hex("#ff87ff"), Own: hex("#00ff00"),
		Error: hex("#ff0000"), Match: hex("#ffff00"),
		PopupFg: hex("#ffffff"), PopupBg: hex("#000080"),
		SelectFg: hex("#000000"), SelectBg: hex("#ffff00"),
		Nicks: hexes("#ff0000", "#00ff00", "#ffff00", "#00ffff", "#ff00ff", "#ffffff", "#ff8000", "#80ff00"),
	}
}

// Plain is the colourless theme used when NO_COLOR is set.
func Plain() Theme { return Theme{Name: "plain", Dark: true, Plain: true} }

// Follow returns the built-in theme for a terminal background: dark or light
// (used when the user asked gavel to follow the terminal).
func Follow(isDark bool) Theme {
	if isDark {
		return Dark()
	}
	return Light()
}

// NoColor reports whether the NO_COLOR convention asks for no colour: the
// variable is set to a non-empty value.
func NoColor(getenv func(string) string) bool { return getenv("NO_COLOR") != "" }

// Options select a theme the way the console does at start-up.
type Options struct {
	Name       string // built-in theme name; "" is dark, "auto" follows the terminal
	File       string // user theme file; its "base" key may name the built-in theme
	ReadFile   func(string) ([]byte, error)
	Getenv     func(string) string // for NO_COLOR
	Background *bool               // the terminal background when known (true = dark)
}

// Select returns the theme the options describe. NO_COLOR wins over
// everything.
func Select(o Options) (Theme, error) {
	if o.Getenv != nil && NoColor(o.Getenv) {
		return Plain(), nil
	}
	name := o.Name
	var t Theme
	var err error
	if strings.EqualFold(name, "auto") {
		dark := true
		if o.Background != nil {
			dark = *o.Background
		}
		t = Follow(dark)
	} else if t, err = ByName(name); err != nil {
		return Theme{}, err
	}
	if o.File != "" {
		if o.ReadFile == nil {
			return Theme{}, fmt.Errorf("themes: no way to read %s", o.File)
		}
		b, err := o.ReadFile(o.File)
		if err != nil {
			return Theme{}, fmt.Errorf("themes: %w", err)
		}
		t, err = Parse(string(b), t)
		if err != nil {
			return Theme{}, fmt.Errorf("themes: %s: %w", o.File, err)
		}
	}
	return t, nil
}

// Clone returns a copy that shares nothing mutable with t.
func (t Theme) Clone() Theme {
	t.Nicks = slices.Clone(t.Nicks)
	return t
}
