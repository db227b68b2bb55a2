package themes

import (
	"fmt"
	"image/color"
	"strconv"
	"strings"
)

// A user theme file is a small subset of TOML:
//
//	# my gavel theme
//	base = "light"            # optional: the built-in theme to start from
//	name = "solarized-ish"    # optional
//
//	[colors]
//	fg      = "#839496"
//	mention = "#dc322f"
//
//	[nicks]
//	palette = ["#b58900", "#cb4b16", "#d33682"]
//
// Only `key = "value"` and `key = ["v", …]` on one line, `[section]`
// headers and `#` comments are understood. Colours are "#rrggbb" or "#rgb";
// "none" or "" means the terminal's default. Unknown keys are errors so that
// a typo does not go unnoticed.

// colorKeys maps a [colors] key to the field it sets.
func colorKeys(t *Theme) map[string]*color.Color {
	return map[string]*color.Color{
		"fg": &t.Fg, "muted": &t.Muted, "accent": &t.Accent, "border": &t.Border, "focus": &t.Focus,
		"bar_fg": &t.BarFg, "bar_bg": &t.BarBg, "activity": &t.Activity, "mention": &t.Mention, "mention_bg": &t.MentionBg,
		"own": &t.Own, "error": &t.Error, "match": &t.Match, "popup_fg": &t.PopupFg, "popup_bg": &t.PopupBg,
		"select_fg": &t.SelectFg, "select_bg": &t.SelectBg,
	}
}

// ColorKeys lists the keys of the [colors] section, for documentation.
func ColorKeys() []string {
	return []string{"fg", "muted", "accent", "border", "focus", "bar_fg", "bar_bg", "activity", "mention",
		"mention_bg", "own", "error", "match", "popup_fg", "popup_bg", "select_fg", "select_bg"}
}

// Parse applies the theme file src on top of base and returns the result.
// A "base" key at the top of the file replaces base with that built-in
// theme before the colours are applied.
func Parse(src string, base Theme) (Theme, error) {
	t := base.Clone()
	section := ""
	seenColor := false
	for n, raw := range strings.Split(src, "\n") {
		lineNo := n + 1
		line := strings.TrimSpace(stripComment(raw))
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "[") {
			if !strings.HasSuffix(line, "]") {
				return Theme{}, fmt.Errorf("line %d: unterminated section header %q", lineNo, line)
			}
			section = strings.TrimSpace(line[1 : len(line)-1])
			if section != "colors" && section != "nicks" {
				return Theme{}, fmt.Errorf("line %d: unknown section [%s] (want [colors] or [nicks])", lineNo, section)
			}
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return Theme{}, fmt.Errorf("line %d: want key = \"value\"", lineNo)
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch section {
		case "":
			s, err := unquote(v)
			if err != nil {
				return Theme{}, fmt.Errorf("line %d: %s: %w", lineNo, k, err)
			}
			switch k {
			case "base":
				if seenColor {
					return Theme{}, fmt.Errorf("line %d: base must come before any colour", lineNo)
				}
				b, err := ByName(s)
				if err != nil {
					return Theme{}, fmt.Errorf("line %d: %w", lineNo, err)
				}
				name := t.Name
				t = b
				if name != base.Name {
					t.Name = name
				}
			case "name":
				t.Name = s
			case "dark":
				switch s {
				case "true", "yes":
					t.Dark = true
				case "false", "no":
					t.Dark = false
				default:
					return Theme{}, fmt.Errorf("line %d: dark: want \"true\" or \"false\"", lineNo)
				}
			default:
				return Theme{}, fmt.Errorf("line %d: unknown key %q (want base, name, dark, or a [colors] section)", lineNo, k)
			}
		case "colors":
			field, ok := colorKeys(&t)[k]
			if !ok {
				return Theme{}, fmt.Errorf("line %d: unknown colour %q (have %s)", lineNo, k, strings.Join(ColorKeys(), ", "))
			}
			s, err := unquote(v)
			if err != nil {
				return Theme{}, fmt.Errorf("line %d: %s: %w", lineNo, k, err)
			}
			c, err := ParseColor(s)
			if err != nil {
				return Theme{}, fmt.Errorf("line %d: %s: %w", lineNo, k, err)
			}
			*field = c
			seenColor = true
			t.Plain = false
		case "nicks":
			if k != "palette" {
				return Theme{}, fmt.Errorf("line %d: unknown key %q in [nicks] (want palette)", lineNo, k)
			}
			list, err := parseList(v)
			if err != nil {
				return Theme{}, fmt.Errorf("line %d: palette: %w", lineNo, err)
			}
			var cs []color.Color
			for _, s := range list {
				c, err := ParseColor(s)
				if err != nil {
					return Theme{}, fmt.Errorf("line %d: palette: %w", lineNo, err)
				}
				if c != nil {
					cs = append(cs, c)
				}
			}
			t.Nicks = cs
			seenColor = true
		}
	}
	return t, nil
}

// stripComment drops a # comment that is not inside a quoted string.
func stripComment(s string) string {
	in := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			if i == 0 || s[i-1] != '\\' {
				in = !in
			}
		case '#':
			if !in {
				return s[:i]
			}
		}
	}
	return s
}

func unquote(v string) (string, error) {
	if len(v) >= 2 && (v[0] == '"' && v[len(v)-1] == '"') {
		return strconv.Unquote(v)
	}
	if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
		return v[1 : len(v)-1], nil
	}
	return "", fmt.Errorf("want a quoted string, got %s", v)
}

func parseList(v string) ([]string, error) {
	if len(v) < 2 || v[0] != '[' || v[len(v)-1] != ']' {
		return nil, fmt.Errorf("want [\"#rrggbb\", ...], got %s", v)
	}
	var out []string
	for _, part := range strings.Split(v[1:len(v)-1], ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		s, err := unquote(part)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// ParseColor reads "#rrggbb", "#rgb", or "none"/"" (nil: the terminal's
// default colour).
func ParseColor(s string) (color.Color, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "none") || strings.EqualFold(s, "default") {
		return nil, nil
	}
	if s[0] != '#' || (len(s) != 7 && len(s) != 4) {
		return nil, fmt.Errorf("colour %q: want #rrggbb or #rgb", s)
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return nil, fmt.Errorf("colour %q: want #rrggbb or #rgb", s)
	}
	if len(s) == 4 {
		r, g, b := uint8(v>>8&0xf), uint8(v>>4&0xf), uint8(v&0xf)
		return color.RGBA{R: r * 17, G: g * 17, B: b * 17, A: 0xff}, nil
	}
	return color.RGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xff}, nil
}
