package dispatch

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeDiscourse is Discourse's API as far as gavel uses it, answering
// with the recorded shapes in testdata/discourse: POST /posts.json
// creates a topic (an external_id already taken is refused, as
// Discourse's unique index does), GET /t/external_id/<id>.json redirects
// to GET /t/<slug>/<id>.json.
type fakeDiscourse struct {
	*httptest.Server
	t        testing.TB
	mu       sync.Mutex
	topics   map[string]map[string]any // by external_id: the request
	ids      map[string]int64
	posts    int // POSTs seen
	limited  int // answer this many POSTs with 429
	loseNext bool
	key      string
	tags     map[int64][]string // each topic's tags, as the forum kept them
	allowed  []string           // tags the forum applies (nil: any)
}

func newFakeDiscourse(t testing.TB) *fakeDiscourse {
	f := &fakeDiscourse{t: t, topics: map[string]map[string]any{}, ids: map[string]int64{}, key: "s3cret-key", tags: map[int64][]string{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func fixture(t testing.TB, name string) []byte {
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (f *fakeDiscourse) reply(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(body)
}

func (f *fakeDiscourse) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Header.Get("Api-Key") != f.key || r.Header.Get("Api-Username") != "gavel" {
		f.reply(w, http.StatusForbidden, fixture(f.t, "discourse/invalid_access.json"))
		return
	}
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/posts.json":
		f.posts++
		if f.limited > 0 {
			f.limited--
			w.Header().Set("Retry-After", "1")
			f.reply(w, http.StatusTooManyRequests, fixture(f.t, "discourse/rate_limit.json"))
			return
		}
		var req map[string]any
		body, _ := io.ReadAll(r.Body)
		if r.Header.Get("Content-Type") != "application/json" || json.Unmarshal(body, &req) != nil {
			f.reply(w, http.StatusBadRequest, []byte(`{"errors":["bad request"]}`))
			return
		}
		for k := range req {
			switch k {
			case "title", "raw", "category", "tags", "external_id":
			default:
				// topic_create_request allows no other property.
				f.reply(w, http.StatusBadRequest, []byte(`{"errors":["unknown property `+k+`"]}`))
				return
			}
		}
		if req["category"] == nil {
			f.reply(w, http.StatusUnprocessableEntity, fixture(f.t, "discourse/unprocessable.json"))
			return
		}
		ext, _ := req["external_id"].(string)
		if _, taken := f.topics[ext]; taken {
			f.reply(w, http.StatusUnprocessableEntity, []byte(`{"action":"create_post","errors":["External ID has already been taken"]}`))
			return
		}
		f.topics[ext] = req
		id := int64(812 + len(f.ids))
		f.ids[ext] = id
		// A forum applies the tags it allows and drops the others.
		tags := []string{}
		list, _ := req["tags"].([]any)
		for _, tg := range list {
			name, _ := tg.(string)
			if f.allowed == nil || slices.Contains(f.allowed, name) {
				tags = append(tags, name)
			}
		}
		f.tags[id] = tags
		if f.loseNext {
			// The topic is made; the answer never reaches gavel.
			f.loseNext = false
			hj, _ := w.(http.Hijacker)
			c, _, _ := hj.Hijack()
			c.Close()
			return
		}
		var resp map[string]any
		json.Unmarshal(fixture(f.t, "discourse/topic_create_response.json"), &resp)
		resp["topic_id"], resp["raw"] = id, req["raw"]
		out, _ := json.Marshal(resp)
		f.reply(w, http.StatusOK, out)
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/t/external_id/"):
		ext := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/t/external_id/"), ".json")
		id, ok := f.ids[ext]
		if !ok {
			f.reply(w, http.StatusNotFound, fixture(f.t, "discourse/not_found.json"))
			return
		}
		http.Redirect(w, r, "/t/fesco-meeting-minutes-2026-03-05/"+strconv.FormatInt(id, 10)+".json", http.StatusMovedPermanently)
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/t/"):
		var resp map[string]any
		json.Unmarshal(fixture(f.t, "discourse/topic_show_response.json"), &resp)
		n, _ := strconv.ParseInt(strings.TrimSuffix(r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:], ".json"), 10, 64)
		resp["id"] = n
		if tags, ok := f.tags[n]; ok {
			resp["tags"] = tags
		}
		out, _ := json.Marshal(resp)
		f.reply(w, http.StatusOK, out)
	default:
		f.reply(w, http.StatusNotFound, fixture(f.t, "discourse/not_found.json"))
	}
}

func discourseSettings(f *fakeDiscourse) *DiscourseSettings {
	return &DiscourseSettings{URL: f.URL, Username: "gavel", Key: f.key, Category: 6, Tags: []string{"fesco", "meeting-minutes"}}
}

// TestDiscourseTopic: the topic carries the Markdown minutes with every
// item linked to its log line, the category, the tags and the
// external_id; a 429 waits as long as Retry-After says.
func TestDiscourseTopic(t *testing.T) {
	f := newFakeDiscourse(t)
	f.limited = 1
	start := time.Date(2026, 3, 5, 16, 0, 0, 0, time.UTC)
	m, files := runMeeting(t, t.TempDir(), "#fedora-meeting", start, standardLines("")...)
	evs := newEvents()
	d := open(t, t.TempDir(), Settings{Auto: true, Discourse: discourseSettings(f)}, evs)
	t0 := time.Now()
	if _, err := d.Plan("#fedora-meeting", m, files); err != nil {
		t.Fatal(err)
	}
	ev := evs.wait(t, Sent, 10*time.Second)
	if time.Since(t0) < time.Second {
		t.Errorf("sent %s after a 429 with Retry-After: 1", time.Since(t0))
	}
	if ev.Ref != f.URL+"/t/fesco-meeting-minutes-2026-03-05/812" {
		t.Errorf("ref %q", ev.Ref)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.topics) != 1 || f.posts != 2 {
		t.Fatalf("%d topics after %d posts", len(f.topics), f.posts)
	}
	for ext, req := range f.topics {
		if !strings.HasPrefix(ext, "gavel-") || len(ext) > 50 {
			t.Errorf("external_id %q", ext)
		}
		raw := req["raw"].(string)
		log := urlOf(files, ".log.html")
		for _, want := range []string{"Minutes: " + urlOf(files, ".html"), "the outbox is durable", "(" + log + "#l-5)", "(" + log + "#l-6)"} {
			if !strings.Contains(raw, want) {
				t.Errorf("raw lacks %q:\n%s", want, raw)
			}
		}
		if req["title"] != "Réunion ünïcode 会议 meeting minutes 2026-03-05" {
			t.Errorf("title %q", req["title"])
		}
		// Tags go as Discourse gives them back: names, as strings.
		var shown struct {
			Tags []string `json:"tags"`
		}
		if err := json.Unmarshal(fixture(t, "discourse/topic_show_response.json"), &shown); err != nil {
			t.Fatal(err)
		}
		sent, _ := json.Marshal(req["tags"])
		want, _ := json.Marshal(shown.Tags)
		if req["category"].(float64) != 6 || string(sent) != string(want) {
			t.Errorf("category %v tags %s, want the recorded topic's %s", req["category"], sent, want)
		}
	}
}

// TestDiscourseAnswerLostFindsTopic: the topic was made but the answer
// lost; the retry finds it by its external_id and posts no second topic.
func TestDiscourseAnswerLostFindsTopic(t *testing.T) {
	f := newFakeDiscourse(t)
	f.loseNext = true
	start := time.Date(2026, 3, 5, 16, 0, 0, 0, time.UTC)
	m, files := runMeeting(t, t.TempDir(), "#chan", start, standardLines("")...)
	_, evs := planned(t, Settings{Auto: true, Discourse: discourseSettings(f)}, "#chan", m, files)
	ev := evs.wait(t, Sent, 10*time.Second)
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.topics) != 1 || f.posts != 1 || ev.Attempts != 2 {
		t.Fatalf("%d topics, %d posts, %d attempts", len(f.topics), f.posts, ev.Attempts)
	}
	if !strings.HasSuffix(ev.Ref, "/812") {
		t.Errorf("ref %q", ev.Ref)
	}
}

// TestDiscourseRefusals: a 422 and a bad key are refused once and kept;
// fixed, /dispatch retry sends.
func TestDiscourseRefusals(t *testing.T) {
	f := newFakeDiscourse(t)
	start := time.Date(2026, 3, 5, 16, 0, 0, 0, time.UTC)
	m, files := runMeeting(t, t.TempDir(), "#chan", start, standardLines("")...)
	s := discourseSettings(f)
	s.Category = 0
	s.Key = "wrong"
	evs := newEvents()
	var mu sync.Mutex
	cur := *s
	cfg := Config{Dir: t.TempDir(), OnEvent: evs.add, MinBackoff: 50 * time.Millisecond, MaxBackoff: 100 * time.Millisecond,
		Settings: func(string) Settings {
			mu.Lock()
			defer mu.Unlock()
			c := cur
			return Settings{Auto: true, Discourse: &c}
		}}
	d, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Plan("#chan", m, files); err != nil {
		t.Fatal(err)
	}
	ev := evs.wait(t, Refused, 10*time.Second)
	if !strings.Contains(ev.Err.Error(), "403") || !strings.Contains(ev.Err.Error(), "api_key") {
		t.Errorf("bad key: %v", ev.Err)
	}
	mu.Lock()
	cur.Key = f.key
	mu.Unlock()
	d.Retry()
	ev = evs.wait(t, Refused, 10*time.Second)
	if !strings.Contains(ev.Err.Error(), "422") || !strings.Contains(ev.Err.Error(), "Category can't be blank") {
		t.Errorf("422: %v", ev.Err)
	}
	time.Sleep(300 * time.Millisecond)
	if f.posts != 1 || d.Entries()[0].Attempts != 2 {
		t.Fatalf("retried alone: %d posts, %+v", f.posts, d.Entries())
	}
}

// TestDiscourseTagsChecked: the new topic is read back; tags the forum
// did not apply are said with the topic's address.
func TestDiscourseTagsChecked(t *testing.T) {
	f := newFakeDiscourse(t)
	f.allowed = []string{"fesco"}
	start := time.Date(2026, 3, 5, 16, 0, 0, 0, time.UTC)
	m, files := runMeeting(t, t.TempDir(), "#chan", start, standardLines("")...)
	_, evs := planned(t, Settings{Auto: true, Discourse: discourseSettings(f)}, "#chan", m, files)
	ev := evs.wait(t, Sent, 10*time.Second)
	if !strings.HasSuffix(ev.Ref, "/812 (the forum did not apply the tags meeting-minutes)") {
		t.Errorf("ref %q", ev.Ref)
	}
}
