package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"gavel/tui"
)

// TestDemoLookupsStayOffline: the offline demo answers /fas from the
// snapshot alone, even with a live account service configured; the same
// configuration outside the demo does ask the service (so the test would
// see a demo that went to the network). The console refuses a demo with
// a live router.
func TestDemoLookupsStayOffline(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	var cfg config
	cfg.Backend.FASURL = srv.URL
	logger := slog.New(slog.DiscardHandler)

	demo, err := consoleRouter(cfg, true, logger)
	if err != nil {
		t.Fatal(err)
	}
	res, err := demo.Lookup(context.Background(), "fas", []string{"nirik"})
	if err != nil || !demo.Offline() {
		t.Fatalf("demo lookup: %v (offline router: %v)", err, demo.Offline())
	}
	if !strings.Contains(strings.ToLower(res.Source), "snapshot") || len(res.Rows) == 0 {
		t.Errorf("demo answer: %+v", res)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the demo asked the account service %d times", n)
	}

	live, err := consoleRouter(cfg, false, logger)
	if err != nil {
		t.Fatal(err)
	}
	live.Lookup(context.Background(), "fas", []string{"nirik"}) // its error is the 503
	if hits.Load() == 0 {
		t.Error("outside the demo the account service was never asked: the test sees nothing")
	}
	if _, err := tui.NewSeedDemo(tui.DemoOptions{Options: tui.Options{Router: live}}); err == nil {
		t.Error("the demo took a live router")
	}
}
