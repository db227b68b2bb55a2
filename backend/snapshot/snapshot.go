// Package snapshot replays HTTP answers recorded in a
// "fedora-backends-snapshot/1" manifest: the format of
// shared/fixtures/manifest.json. The same replay serves as an
// http.RoundTripper (the offline mode of the live clients) and as an
// http.Handler (the httptest servers of the tests), so offline answers and
// test answers come from one code path.
package snapshot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"
)

// Format is the manifest format this package reads.
const Format = "fedora-backends-snapshot/1"

// Entry is one recorded request and its answer.
type Entry struct {
	Service        string            `json:"service"`
	Era            string            `json:"era"`
	Method         string            `json:"method"`
	Base           string            `json:"base"`
	Path           string            `json:"path"`
	Query          map[string]Values `json:"query,omitempty"`
	RequestHeaders map[string]string `json:"request_headers,omitempty"`
	Scenario       string            `json:"scenario,omitempty"`
	Status         int               `json:"status"`
	ContentType    string            `json:"content_type"`
	Body           string            `json:"body"`
	Note           string            `json:"note,omitempty"`
}

// Values is a query value: a JSON string or a list of strings.
type Values []string

// UnmarshalJSON accepts "x" or ["x", "y"].
func (v *Values) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*v = Values{s}
		return nil
	}
	var l []string
	if err := json.Unmarshal(b, &l); err != nil {
		return fmt.Errorf("query value: want a string or a list of strings: %w", err)
	}
	*v = l
	return nil
}

// Manifest is a loaded snapshot: its entries and the files holding bodies.
type Manifest struct {
	Format  string            `json:"format"`
	TakenAt map[string]string `json:"taken_at"`
	Entries []Entry           `json:"entries"`

	fsys fs.FS
}

// Load reads manifest.json from fsys; body paths are relative to fsys.
func Load(fsys fs.FS) (*Manifest, error) {
	data, err := fs.ReadFile(fsys, "manifest.json")
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("snapshot: manifest.json: %w", err)
	}
	if m.Format != Format {
		return nil, fmt.Errorf("snapshot: manifest format %q, want %q", m.Format, Format)
	}
	m.fsys = fsys
	return &m, nil
}

// Taken returns when the given era was recorded (zero if unknown).
func (m *Manifest) Taken(era string) time.Time {
	t, _ := time.Parse(time.RFC3339, m.TakenAt[era])
	return t
}

// ReadBody returns the stored body of e.
func (m *Manifest) ReadBody(e *Entry) ([]byte, error) {
	b, err := fs.ReadFile(m.fsys, path.Clean(e.Body))
	if err != nil {
		return nil, fmt.Errorf("snapshot: body of %s %s: %w", e.Method, e.Path, err)
	}
	return b, nil
}

// Selector chooses among entries: the eras to try in order and the scenario
// to prefer (for example "client-ip-in-US").
type Selector struct {
	Eras     []string
	Scenario string
}

// Match finds the entry answering method on u with the given headers.
// Matching follows the manifest README: era, method, base+path, sorted
// query multimap; then an entry whose request headers (other than Accept)
// all match wins; an entry with a scenario and no such headers is only used
// when that scenario is selected.
func (m *Manifest) Match(sel Selector, method string, u *url.URL, h http.Header) *Entry {
	full := u.Scheme + "://" + u.Host + u.EscapedPath()
	for _, era := range sel.Eras {
		var best *Entry
		bestScore := -1
		for i := range m.Entries {
			e := &m.Entries[i]
			if e.Era != era || !strings.EqualFold(e.Method, method) {
				continue
			}
			if strings.TrimSuffix(e.Base, "/")+e.Path != full && strings.TrimSuffix(e.Base, "/")+escapePath(e.Path) != full {
				continue
			}
			if !sameQuery(e.Query, u.Query()) {
				continue
			}
			score, ok := headerScore(e, h, sel.Scenario)
			if ok && score > bestScore {
				best, bestScore = e, score
			}
		}
		if best != nil {
			return best
		}
	}
	return nil
}

func escapePath(p string) string { return (&url.URL{Path: p}).EscapedPath() }

func headerScore(e *Entry, h http.Header, scenario string) (int, bool) {
	matched := 0
	for k, want := range e.RequestHeaders {
		if strings.EqualFold(k, "Accept") {
			continue
		}
		if normHeader(h.Get(k)) != normHeader(want) {
			return 0, false
		}
		matched++
	}
	if matched > 0 {
		return 2 + matched, true
	}
	if e.Scenario != "" {
		return 1, e.Scenario == scenario
	}
	return 1, true
}

func normHeader(s string) string {
	s = strings.Trim(strings.TrimSpace(s), "{}")
	parts := strings.Split(s, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return strings.Join(parts, ",")
}

func sameQuery(want map[string]Values, got url.Values) bool {
	if len(want) != len(got) {
		return false
	}
	for k, vs := range want {
		g := slices.Clone(got[k])
		w := slices.Clone([]string(vs))
		slices.Sort(g)
		slices.Sort(w)
		if !slices.Equal(g, w) {
			return false
		}
	}
	return true
}

// respond builds the recorded answer of e, or a 404 naming the miss.
func (m *Manifest) respond(e *Entry, req *http.Request) *http.Response {
	resp := &http.Response{
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:  http.Header{},
		Request: req,
	}
	if e == nil {
		resp.StatusCode = http.StatusNotFound
		resp.Status = "404 Not Found"
		resp.Header.Set("Content-Type", "text/plain; charset=utf-8")
		resp.Header.Set("X-Snapshot-Miss", "1")
		body := []byte("not in the offline snapshot\n")
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.ContentLength = int64(len(body))
		return resp
	}
	body, err := m.ReadBody(e)
	if err != nil {
		resp.StatusCode = http.StatusInternalServerError
		resp.Status = "500 Internal Server Error"
		body = []byte(err.Error())
	} else {
		resp.StatusCode = e.Status
		resp.Status = fmt.Sprintf("%d %s", e.Status, http.StatusText(e.Status))
		resp.Header.Set("Content-Type", e.ContentType)
	}
	if req != nil && req.Method == http.MethodHead {
		resp.Body = http.NoBody
	} else {
		resp.Body = io.NopCloser(bytes.NewReader(body))
	}
	resp.ContentLength = int64(len(body))
	return resp
}

// Transport returns an http.RoundTripper that answers from the manifest
// without touching the network. Unknown requests get a 404 carrying the
// header X-Snapshot-Miss.
func (m *Manifest) Transport(sel Selector) http.RoundTripper {
	return roundTripper{m: m, sel: sel}
}

type roundTripper struct {
	m   *Manifest
	sel Selector
}

func (rt roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		req.Body.Close()
	}
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	return rt.m.respond(rt.m.Match(rt.sel, req.Method, req.URL, req.Header), req), nil
}

// Handler serves the entries recorded for base (for example
// "https://src.fedoraproject.org") as if it were that service: a request
// for /api/0/rpms/pagure on the handler replays base+"/api/0/rpms/pagure".
func (m *Manifest) Handler(sel Selector, base string) http.Handler {
	bu, err := url.Parse(base)
	if err != nil {
		panic(fmt.Sprintf("snapshot: bad base %q: %v", base, err))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := *bu
		u.Path = strings.TrimSuffix(bu.Path, "/") + r.URL.Path
		u.RawPath = ""
		u.RawQuery = r.URL.RawQuery
		resp := m.respond(m.Match(sel, r.Method, &u, r.Header), r)
		defer resp.Body.Close()
		for k, vs := range resp.Header {
			w.Header()[k] = vs
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	})
}
