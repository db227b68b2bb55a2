package agenda

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// MaxTimebox is the longest timebox an item may have.
const MaxTimebox = 24 * time.Hour

// ParseTimebox reads the inside of a timebox: "10m", "1h", "1h30m", with
// optional spaces and "min"/"mins"/"minutes" for "m". ok is false when s
// does not have that shape (it is then ordinary text); err is set when it
// has the shape but the duration is zero or longer than MaxTimebox.
func ParseTimebox(s string) (d time.Duration, ok bool, err error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return 0, false, nil
	}
	var h, m int64
	seenH, seenM := false, false
	for s != "" {
		n := 0
		for n < len(s) && s[n] >= '0' && s[n] <= '9' {
			n++
		}
		if n == 0 || n > 4 {
			return 0, false, nil
		}
		v, _ := strconv.ParseInt(s[:n], 10, 64)
		s = strings.TrimLeft(s[n:], " ")
		switch {
		case strings.HasPrefix(s, "h") && !seenH && !seenM:
			h, seenH = v, true
			s = s[1:]
		case strings.HasPrefix(s, "m") && !seenM:
			m, seenM = v, true
			s = s[1:]
			for _, suffix := range []string{"inutes", "inute", "ins", "in"} {
				if strings.HasPrefix(s, suffix) {
					s = s[len(suffix):]
					break
				}
			}
		default:
			return 0, false, nil
		}
		s = strings.TrimLeft(s, " ")
	}
	d = time.Duration(h)*time.Hour + time.Duration(m)*time.Minute
	switch {
	case d <= 0:
		return 0, true, fmt.Errorf("timebox must be longer than zero")
	case d > MaxTimebox:
		return 0, true, fmt.Errorf("timebox %s is longer than %s", FormatTimebox(d), FormatTimebox(MaxTimebox))
	}
	return d, true, nil
}

// FormatTimebox writes d as a timebox: "10m", "1h", "1h30m" (whole
// minutes; seconds are rounded up).
func FormatTimebox(d time.Duration) string {
	mins := int64((d + time.Minute - 1) / time.Minute)
	h, m := mins/60, mins%60
	switch {
	case h == 0:
		return strconv.FormatInt(m, 10) + "m"
	case m == 0:
		return strconv.FormatInt(h, 10) + "h"
	}
	return strconv.FormatInt(h, 10) + "h" + strconv.FormatInt(m, 10) + "m"
}
