package minutes

import (
	"testing"
	"time"
)

// TestClockIsTheUTCTimeOfDay: the time of day written before every line
// is time.Format's "15:04:05" in UTC, for times before 1970 and far
// ahead, and in any zone.
func TestClockIsTheUTCTimeOfDay(t *testing.T) {
	for _, at := range []time.Time{
		time.Unix(0, 0), time.Unix(-1, 0), time.Unix(-86400, 0), time.Unix(-86401, 999),
		time.Unix(1e10, 999_999_999), time.Date(1, 1, 1, 23, 59, 59, 0, time.UTC),
		time.Date(2015, 4, 30, 18, 0, 3, 0, time.UTC),
		time.Date(9999, 12, 31, 1, 2, 3, 0, time.FixedZone("UTC+5:01", 5*3600+60)),
		time.Date(2015, 4, 30, 0, 30, 0, 0, time.FixedZone("UTC-11", -11*3600)),
	} {
		if got, want := string(appendClock([]byte("x"), at)), "x"+at.UTC().Format("15:04:05"); got != want {
			t.Errorf("%v: %q, want %q", at, got, want)
		}
	}
}
