package dendritetest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestClockBusyCountsOverlapsOnce(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	for _, tc := range []struct {
		name     string
		spans    [][2]int // from, to in ms
		from, to int
		want     int
	}{
		{"none", nil, 0, 100, 0},
		{"one inside", [][2]int{{10, 30}}, 0, 100, 20},
		{"overlapping", [][2]int{{10, 30}, {20, 50}}, 0, 100, 40},
		{"nested", [][2]int{{10, 50}, {20, 30}}, 0, 100, 40},
		{"apart", [][2]int{{10, 20}, {30, 40}}, 0, 100, 20},
		{"begun before from", [][2]int{{0, 30}}, 10, 100, 20},
		{"still running at to", [][2]int{{10, 200}}, 0, 100, 0},
		{"ended before from", [][2]int{{0, 5}}, 10, 100, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &Clock{}
			for _, sp := range tc.spans {
				c.spans = append(c.spans, span{from: at(sp[0]), to: at(sp[1]), method: "GET", path: "/x"})
			}
			if got := c.Busy(at(tc.from), at(tc.to), nil); got != time.Duration(tc.want)*time.Millisecond {
				t.Errorf("Busy = %v, want %d ms", got, tc.want)
			}
		})
	}
}

func TestClockTimesARequestToTheEndOfItsBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "answer")
	}))
	defer srv.Close()
	c := &Clock{}
	began := time.Now()
	for _, path := range []string{"/join/a", "/sync"} {
		resp, err := c.Client(10 * time.Second).Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		if busy := c.Busy(began, time.Now(), nil); busy != 0 && path == "/join/a" {
			t.Fatalf("a request whose body is unread counted: %v", busy)
		}
		io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	ended := time.Now()
	all := c.Busy(began, ended, nil)
	joins := c.Busy(began, ended, func(method, path string) bool { return path == "/join/a" })
	if all <= 0 || joins <= 0 || joins > all || len(c.spans) != 2 {
		t.Fatalf("busy %v, joins %v, %d spans", all, joins, len(c.spans))
	}
}
