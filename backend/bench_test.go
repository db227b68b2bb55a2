package backend

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gavel/backend/internal/testsrv"
	"gavel/backend/pkgs"
	"gavel/backend/snapshot"
)

// slowDistGit replays dist-git's fixtures after 100 ms, counting requests.
func slowDistGit(b *testing.B) (*httptest.Server, *atomic.Int64) {
	m := testsrv.Manifest(b)
	h := m.Handler(snapshot.Selector{Eras: []string{"modern"}}, pkgs.DefaultDistGitURL)
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		time.Sleep(100 * time.Millisecond)
		h.ServeHTTP(w, r)
	}))
	b.Cleanup(srv.Close)
	return srv, &n
}

var benchPkgs = []string{"fedmenu", "fedocal", "koschei", "mailman3", "mirrormanager2", "nuancier", "pagure", "python-fedora", "python-irc3", "fedmenu"}

// BenchmarkConcurrentLookups: one op is a batch of 100 concurrent
// ".whoowns" lookups over 9 distinct packages, on a fresh router (empty
// cache), against a server that takes 100 ms per answer.
func BenchmarkConcurrentLookups(b *testing.B) {
	srv, n := slowDistGit(b)
	distinct := map[string]bool{}
	for _, p := range benchPkgs {
		distinct[p] = true
	}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		r := newRouter(b, Config{DistGitURL: srv.URL, NoFallback: true})
		n.Store(0)
		b.StartTimer()
		var wg sync.WaitGroup
		for j := 0; j < 100; j++ {
			wg.Add(1)
			go func(p string) {
				defer wg.Done()
				if _, err := r.Lookup(context.Background(), "whoowns", []string{p}); err != nil {
					b.Error(err)
				}
			}(benchPkgs[j%len(benchPkgs)])
		}
		wg.Wait()
		b.StopTimer()
		if got := n.Load(); got != int64(len(distinct)) {
			b.Fatalf("%d requests for %d distinct packages", got, len(distinct))
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(len(distinct)), "requests/batch")
}

// BenchmarkCachedLookup: a console lookup whose answer is cached.
func BenchmarkCachedLookup(b *testing.B) {
	srv, _ := slowDistGit(b)
	r := newRouter(b, Config{DistGitURL: srv.URL, NoFallback: true})
	ctx := context.Background()
	if _, err := r.Lookup(ctx, "whoowns", []string{"pagure"}); err != nil {
		b.Fatal(err)
	}
	args := []string{"pagure"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := r.Lookup(ctx, "whoowns", args); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCachedChannel: the same through the channel path.
func BenchmarkCachedChannel(b *testing.B) {
	srv, _ := slowDistGit(b)
	r := newRouter(b, Config{DistGitURL: srv.URL, NoFallback: true})
	ctx := context.Background()
	r.Channel(ctx, "nick", ".whoowns pagure")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ok := r.Channel(ctx, "nick", ".whoowns pagure"); !ok {
			b.Fatal("not a command")
		}
	}
}

func ExampleRouter_Channel() {
	r, err := New(Config{Offline: true})
	if err != nil {
		panic(err)
	}
	replies, _ := r.Channel(context.Background(), "stbnruiz", ".sponsors fi-apprentice")
	fmt.Println(replies[0])
	// Output: stbnruiz: Sponsors for fi-apprentice: nirik, relrod, smooge (offline snapshot of 2025-05-20)
}
