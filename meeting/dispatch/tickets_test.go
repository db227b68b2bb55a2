package dispatch

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeForge is a Forgejo or a Pagure holding one issue, #12 of
// fesco/tickets (Forgejo) or fesco (Pagure), with the "meeting" label,
// answering with the shapes in testdata/forgejo and testdata/pagure.
type fakeForge struct {
	*httptest.Server
	t        testing.TB
	pagure   bool
	token    string
	mu       sync.Mutex
	comments []string
	labels   []string
	limited  int  // answer this many comment POSTs with 429
	loseNext bool // make the next comment, lose the answer
	deletes  int
}

func newFakeForge(t testing.TB, pagure bool) *fakeForge {
	f := &fakeForge{t: t, pagure: pagure, token: "forge-token", labels: []string{"meeting", "policy"}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeForge) issueURL() string {
	if f.pagure {
		return f.URL + "/fesco/issue/12"
	}
	return f.URL + "/fesco/tickets/issues/12"
}

func (f *fakeForge) reply(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}

func (f *fakeForge) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Header.Get("Authorization") != "token "+f.token {
		f.reply(w, http.StatusUnauthorized, []byte(`{"message":"token is required"}`))
		return
	}
	api := "/api/v1/repos/fesco/tickets/issues/12"
	if f.pagure {
		api = "/api/0/fesco/issue/12"
	}
	switch {
	case f.pagure && r.Method == http.MethodPost && r.URL.Path == api+"/comment",
		!f.pagure && r.Method == http.MethodPost && r.URL.Path == api+"/comments":
		if f.limited > 0 {
			f.limited--
			w.Header().Set("Retry-After", "1")
			f.reply(w, http.StatusTooManyRequests, fixture(f.t, "forgejo/rate_limit.json"))
			return
		}
		body, _ := io.ReadAll(r.Body)
		var text string
		if f.pagure {
			q, _ := url.ParseQuery(string(body))
			text = q.Get("comment")
		} else {
			var c struct {
				Body string `json:"body"`
			}
			json.Unmarshal(body, &c)
			text = c.Body
		}
		if text == "" {
			f.reply(w, http.StatusBadRequest, []byte(`{"error":"Invalid or incomplete input submitted","error_code":"EINVALIDREQ"}`))
			return
		}
		f.comments = append(f.comments, text)
		if f.loseNext {
			f.loseNext = false
			c, _, _ := w.(http.Hijacker).Hijack()
			c.Close()
			return
		}
		if f.pagure {
			f.reply(w, http.StatusOK, fixture(f.t, "pagure/comment_added.json"))
		} else {
			f.reply(w, http.StatusCreated, fixture(f.t, "forgejo/comment_created.json"))
		}
	case f.pagure && r.Method == http.MethodGet && r.URL.Path == api:
		var is map[string]any
		json.Unmarshal(fixture(f.t, "pagure/issue.json"), &is)
		cs := is["comments"].([]any)
		for _, c := range f.comments {
			cs = append(cs, map[string]any{"comment": c, "id": 1000 + len(cs)})
		}
		is["comments"] = cs
		out, _ := json.Marshal(is)
		f.reply(w, http.StatusOK, out)
	case !f.pagure && r.Method == http.MethodGet && r.URL.Path == api+"/comments":
		var cs []map[string]any
		for i, c := range f.comments {
			var cm map[string]any
			json.Unmarshal(fixture(f.t, "forgejo/comment_created.json"), &cm)
			cm["id"], cm["body"] = 5521+i, c
			cs = append(cs, cm)
		}
		out, _ := json.Marshal(cs)
		if cs == nil {
			out = []byte("[]")
		}
		f.reply(w, http.StatusOK, out)
	case !f.pagure && r.Method == http.MethodGet && r.URL.Path == api+"/labels":
		var all []map[string]any
		json.Unmarshal(fixture(f.t, "forgejo/labels.json"), &all)
		out := []map[string]any{}
		for _, l := range all {
			for _, have := range f.labels {
				if l["name"] == have {
					out = append(out, l)
				}
			}
		}
		b, _ := json.Marshal(out)
		f.reply(w, http.StatusOK, b)
	case !f.pagure && r.Method == http.MethodDelete && r.URL.Path == api+"/labels/3":
		f.deletes++
		f.labels = []string{"policy"}
		w.WriteHeader(http.StatusNoContent)
	default:
		f.reply(w, http.StatusNotFound, []byte(`{"message":"not found"}`))
	}
}

func ticketSettings(f *fakeForge) *TicketSettings {
	return &TicketSettings{RemoveLabel: true, Tokens: map[string]string{strings.TrimPrefix(f.URL, "http://"): f.token}}
}

// TestTicketsForgejo: one comment on the ticket the meeting discussed,
// with the items under its topic linked to their log lines, and the
// meeting label taken off; a 429 waits for Retry-After.
func TestTicketsForgejo(t *testing.T) {
	f := newFakeForge(t, false)
	f.limited = 1
	start := time.Date(2026, 3, 5, 16, 0, 0, 0, time.UTC)
	m, files := runMeeting(t, t.TempDir(), "#chan", start, standardLines(f.issueURL())...)
	evs := newEvents()
	d := open(t, t.TempDir(), Settings{Auto: true, Tickets: ticketSettings(f)}, evs)
	fresh, err := d.Plan("#chan", m, files)
	if err != nil || len(fresh) != 1 || fresh[0].Dest != "ticket "+f.issueURL() {
		t.Fatalf("planned %+v %v", fresh, err)
	}
	evs.wait(t, Sent, 10*time.Second)
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.comments) != 1 || f.deletes != 1 || len(f.labels) != 1 {
		t.Fatalf("%d comments, %d label deletes, labels %v", len(f.comments), f.deletes, f.labels)
	}
	c := f.comments[0]
	log := urlOf(files, ".log.html")
	for _, want := range []string{"**INFO:** the outbox is durable", log + "#l-5", "**AGREED:** send them once", log + "#l-6", "<!-- gavel dispatch "} {
		if !strings.Contains(c, want) {
			t.Errorf("comment lacks %q:\n%s", want, c)
		}
	}
	if strings.Contains(c, "carol to test it") {
		t.Errorf("the comment holds another topic's item:\n%s", c)
	}
}

// TestTicketsPagureResumed: the comment was made but its answer lost;
// the retry finds the marker and comments no second time.
func TestTicketsPagureResumed(t *testing.T) {
	f := newFakeForge(t, true)
	f.loseNext = true
	start := time.Date(2026, 3, 5, 16, 0, 0, 0, time.UTC)
	m, files := runMeeting(t, t.TempDir(), "#chan", start, standardLines(f.issueURL())...)
	evs := newEvents()
	d := open(t, t.TempDir(), Settings{Auto: true, Tickets: ticketSettings(f)}, evs)
	fresh, err := d.Plan("#chan", m, files)
	if err != nil || len(fresh) != 1 || !strings.Contains(fresh[0].Summary, "tag stays") {
		t.Fatalf("planned %+v %v", fresh, err)
	}
	ev := evs.wait(t, Sent, 10*time.Second)
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.comments) != 1 || ev.Attempts != 2 {
		t.Fatalf("%d comments after %d attempts", len(f.comments), ev.Attempts)
	}
}

// TestTicketsWithoutToken are refused once, naming the host.
func TestTicketsWithoutToken(t *testing.T) {
	f := newFakeForge(t, false)
	start := time.Date(2026, 3, 5, 16, 0, 0, 0, time.UTC)
	m, files := runMeeting(t, t.TempDir(), "#chan", start, standardLines(f.issueURL())...)
	_, evs := planned(t, Settings{Auto: true, Tickets: &TicketSettings{}}, "#chan", m, files)
	ev := evs.wait(t, Refused, 10*time.Second)
	if !strings.Contains(ev.Err.Error(), "no API token for 127.0.0.1") {
		t.Errorf("refusal %v", ev.Err)
	}
}
