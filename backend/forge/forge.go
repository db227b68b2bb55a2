// Package forge lists the open issues that carry a label ("meeting" by
// default) in a Pagure project or a Forgejo/Gitea repository, for the
// chair's /agenda forge URL: FESCo builds its agenda from Pagure issues
// tagged "meeting", other teams from Forgejo labels.
//
// It talks to the public, unauthenticated APIs:
//
//	Pagure:        GET /api/0/<project>/issues?status=Open&tags=<label>&per_page=100&page=N
//	Forgejo/Gitea: GET /api/v1/repos/<owner>/<repo>/issues?state=open&labels=<label>&type=issues&limit=50&page=N
//
// through backend/fetch's client (timeouts, one retry, capped bodies,
// same-host redirects), following the pages up to MaxIssues issues.
// Which forge a URL names is known from its shape (an /api/0/ or
// /api/v1/repos/ address), from its host (pagure.io, src.fedoraproject.org,
// codeberg.org, ...) or, for other hosts, by asking the server's version
// endpoint. Titles are returned as the forge sent them; the agenda cleans
// them (agenda.NewItem).
package forge

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"gavel/backend/fetch"
)

// Kind is the forge software.
type Kind int

// The kinds. Unknown is resolved by Client.Resolve.
const (
	Unknown Kind = iota
	Pagure
	Forgejo // Forgejo and Gitea share the API
)

func (k Kind) String() string {
	switch k {
	case Pagure:
		return "Pagure"
	case Forgejo:
		return "Forgejo"
	}
	return "unknown forge"
}

// DefaultLabel is the label (Pagure: tag) that marks agenda issues.
const DefaultLabel = "meeting"

// MaxIssues bounds one listing (an agenda holds at most 200 items).
const MaxIssues = 200

// maxPages bounds every paging loop, whatever page size the server uses.
const maxPages = 50

// Known hosts. Other hosts are asked (see Client.Resolve).
var knownHosts = map[string]Kind{
	"pagure.io":                    Pagure,
	"src.fedoraproject.org":        Pagure,
	"src.stg.fedoraproject.org":    Pagure,
	"pagure.stg.fedoraproject.org": Pagure,
	"codeberg.org":                 Forgejo,
	"forge.fedoraproject.org":      Forgejo,
	"forge.stg.fedoraproject.org":  Forgejo,
	"code.forgejo.org":             Forgejo,
	"next.forgejo.org":             Forgejo,
	"gitea.com":                    Forgejo,
}

// Project is a forge project named by a URL.
type Project struct {
	Kind Kind
	// Base is the instance's root: scheme, host and port
	// ("https://pagure.io").
	Base string
	// Path is the project: for Pagure "fesco", "rpms/kernel" or
	// "fork/alice/fesco"; for Forgejo "owner/repo".
	Path string
	// Label is the label asked for in the URL (Pagure's tags=, an API
	// URL's labels=), or "".
	Label string
}

func (p Project) String() string { return p.Base + "/" + p.Path }

// Issue is one open issue.
type Issue struct {
	ID    int64  // the number people use: "#3201"
	Title string // as the forge sent it
	URL   string // the issue's web page
}

// AgendaTitle is the agenda item's title: "#<id> <title>".
func (i Issue) AgendaTitle() string { return "#" + strconv.FormatInt(i.ID, 10) + " " + i.Title }

// Result is a listing.
type Result struct {
	Project Project
	Label   string
	Issues  []Issue // by ID, oldest first
	// More is set when the forge had more than MaxIssues matching issues;
	// Issues holds the first MaxIssues.
	More bool
}

func errf(kind error, msg string, a ...any) error {
	return fetch.Errorf("forge", kind, nil, fmt.Sprintf(msg, a...))
}

func clip(s string) string { return fetch.Clip(s, 80) }

// ParseURL reads a project URL: a web page of the project or of its
// issues ("https://pagure.io/fesco", "https://pagure.io/fesco/issues?tags=meeting",
// "https://codeberg.org/owner/repo/issues") or the API address itself
// ("https://pagure.io/api/0/fesco/issues", "https://codeberg.org/api/v1/repos/owner/repo/issues").
func ParseURL(raw string) (Project, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.User != nil {
		return Project{}, errf(fetch.ErrInvalid, "'%s' is not the http(s) address of a Pagure project or a Forgejo repository", clip(raw))
	}
	p := Project{Base: u.Scheme + "://" + u.Host}
	q := u.Query()
	segs := splitPath(u.Path)
	switch {
	case len(segs) >= 2 && segs[0] == "api" && segs[1] == "0":
		p.Kind, segs = Pagure, segs[2:]
		p.Label = q.Get("tags")
	case len(segs) >= 3 && segs[0] == "api" && segs[1] == "v1" && segs[2] == "repos":
		p.Kind, segs = Forgejo, segs[3:]
		p.Label = q.Get("labels")
	default:
		p.Kind = knownHosts[strings.ToLower(u.Hostname())]
		p.Label = q.Get("tags")
	}
	// Drop what follows the project: /issues, /issue/12, /issues/12, .git
	for i, s := range segs {
		if s == "issues" || s == "issue" || s == "pulls" || s == "pull-requests" || s == "tree" || s == "blob" || s == "src" || s == "-" {
			segs = segs[:i]
			break
		}
	}
	if n := len(segs); n > 0 {
		segs[n-1] = strings.TrimSuffix(segs[n-1], ".git")
	}
	for _, s := range segs {
		if !fetch.ValidName(s, 100, "._-") {
			return Project{}, errf(fetch.ErrInvalid, "'%s' does not name a project (bad path part '%s')", clip(raw), clip(s))
		}
	}
	switch p.Kind {
	case Pagure:
		if !validPagurePath(segs) {
			return Project{}, errf(fetch.ErrInvalid, "'%s' does not name a Pagure project", clip(raw))
		}
	case Forgejo:
		if len(segs) < 2 {
			return Project{}, errf(fetch.ErrInvalid, "'%s' does not name a Forgejo repository (want /<owner>/<repo>)", clip(raw))
		}
		segs = segs[:2]
	default:
		if len(segs) == 0 {
			return Project{}, errf(fetch.ErrInvalid, "'%s' does not name a project", clip(raw))
		}
	}
	p.Path = strings.Join(segs, "/")
	return p, nil
}

func splitPath(p string) []string {
	var out []string
	for _, s := range strings.Split(p, "/") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// validPagurePath accepts name, namespace/name, fork/user/name and
// fork/user/namespace/name.
func validPagurePath(segs []string) bool {
	if len(segs) > 0 && segs[0] == "fork" {
		return len(segs) == 3 || len(segs) == 4
	}
	return len(segs) == 1 || len(segs) == 2
}

// Client lists forge issues. It is safe for concurrent use.
type Client struct {
	hc      *fetch.Client
	perPage int
}

// Options configure a Client.
type Options struct {
	// PerPage is the page size asked for (default: 100 for Pagure, its
	// maximum, and 50 for Forgejo, its default maximum).
	PerPage int
}

// New returns a client using hc (whose Service should be "forge").
func New(hc *fetch.Client, o Options) *Client {
	return &Client{hc: hc, perPage: o.PerPage}
}

// List is ParseURL, Resolve and Issues in one: the open issues with label
// ("" means the URL's label, or DefaultLabel) of the project at rawURL.
func (c *Client) List(ctx context.Context, rawURL, label string) (Result, error) {
	p, err := ParseURL(rawURL)
	if err != nil {
		return Result{}, err
	}
	if p, err = c.Resolve(ctx, p); err != nil {
		return Result{}, err
	}
	return c.Issues(ctx, p, label)
}

// Resolve finds out which forge runs at p.Base when ParseURL could not
// tell: a Pagure answers GET /api/0/-/version, a Forgejo or Gitea GET
// /api/v1/version, each with {"version": "..."}.
func (c *Client) Resolve(ctx context.Context, p Project) (Project, error) {
	if p.Kind != Unknown {
		return p, nil
	}
	for _, probe := range []struct {
		kind Kind
		path string
	}{{Pagure, "/api/0/-/version"}, {Forgejo, "/api/v1/version"}} {
		resp, err := c.hc.Do(ctx, fetch.Request{URL: p.Base + probe.path, What: hostOf(p.Base), Accept: []string{"application/json"}})
		if err != nil {
			if errors.Is(err, fetch.ErrBadResponse) {
				continue // an HTML error page, say: not this kind
			}
			return Project{}, err
		}
		var v struct {
			Version any `json:"version"`
		}
		if resp.Status == http.StatusOK && fetch.DecodeJSON("forge", hostOf(p.Base), resp.Body, &v) == nil && v.Version != nil {
			p.Kind = probe.kind
			if p.Kind == Forgejo {
				segs := splitPath(p.Path)
				if len(segs) < 2 {
					return Project{}, errf(fetch.ErrInvalid, "'%s' does not name a Forgejo repository (want /<owner>/<repo>)", clip(p.String()))
				}
				p.Path = strings.Join(segs[:2], "/")
			} else if !validPagurePath(splitPath(p.Path)) {
				return Project{}, errf(fetch.ErrInvalid, "'%s' does not name a Pagure project", clip(p.String()))
			}
			return p, nil
		}
	}
	return Project{}, errf(fetch.ErrInvalid, "%s runs neither Pagure nor Forgejo/Gitea (no API version answer)", hostOf(p.Base))
}

func hostOf(base string) string {
	if u, err := url.Parse(base); err == nil && u.Host != "" {
		return u.Host
	}
	return base
}

// Issues lists the open issues of p with label ("" means p.Label, or
// DefaultLabel), oldest first. Issues without the label are left out even
// when the forge returns them (Forgejo ignores a label it does not know
// and then lists every issue), and so are pull requests.
func (c *Client) Issues(ctx context.Context, p Project, label string) (Result, error) {
	if label == "" {
		label = cmp.Or(p.Label, DefaultLabel)
	}
	if strings.ContainsAny(label, ",\x00\r\n") || len(label) > 100 {
		return Result{}, errf(fetch.ErrInvalid, "bad label '%s'", clip(label))
	}
	res := Result{Project: p, Label: label}
	var err error
	switch p.Kind {
	case Pagure:
		err = c.pagure(ctx, p, label, &res)
	case Forgejo:
		err = c.forgejo(ctx, p, label, &res)
	default:
		return Result{}, errf(fetch.ErrInvalid, "%s: unknown forge (call Resolve first)", clip(p.String()))
	}
	if err != nil {
		return Result{}, err
	}
	slices.SortFunc(res.Issues, func(a, b Issue) int { return cmp.Compare(a.ID, b.ID) })
	res.Issues = slices.CompactFunc(res.Issues, func(a, b Issue) bool { return a.ID == b.ID })
	if len(res.Issues) > MaxIssues {
		res.Issues, res.More = res.Issues[:MaxIssues], true
	}
	return res, nil
}

// get fetches one JSON page, turning 404 and 400 into the forge's own
// words.
func (c *Client) get(ctx context.Context, p Project, u string) (*fetch.Response, error) {
	what := hostOf(p.Base)
	resp, err := c.hc.Do(ctx, fetch.Request{URL: u, What: what, Accept: []string{"application/json"}})
	if err != nil {
		return nil, err
	}
	switch {
	case resp.Status == http.StatusNotFound:
		msg := fetch.ServerMessage(resp.Body)
		if msg == "" || strings.Contains(msg, "couldn't be found") {
			msg = "not found"
		}
		return nil, errf(fetch.ErrNotFound, "%s has no %s project '%s' with issues (%s)", what, p.Kind, clip(p.Path), clip(msg))
	case resp.Status != http.StatusOK:
		msg := fetch.ServerMessage(resp.Body)
		if msg == "" {
			msg = http.StatusText(resp.Status)
		}
		return nil, errf(fetch.ErrInvalid, "%s answered %d: %s", what, resp.Status, clip(msg))
	}
	return resp, nil
}

// pagureIssue is the part of Pagure's issue JSON used here.
type pagureIssue struct {
	ID      int64    `json:"id"`
	Title   string   `json:"title"`
	Status  string   `json:"status"`
	Tags    []string `json:"tags"`
	FullURL string   `json:"full_url"` // Pagure 5.12 and later
}

type pagurePage struct {
	Issues     []pagureIssue `json:"issues"`
	Pagination *struct {
		Page  int `json:"page"`
		Pages int `json:"pages"`
	} `json:"pagination"`
}

func (c *Client) pagure(ctx context.Context, p Project, label string, res *Result) error {
	per := c.perPage
	if per <= 0 || per > 100 {
		per = 100
	}
	for page := 1; page <= maxPages && len(res.Issues) <= MaxIssues; page++ {
		q := url.Values{"status": {"Open"}, "tags": {label}, "per_page": {strconv.Itoa(per)}, "page": {strconv.Itoa(page)}}
		resp, err := c.get(ctx, p, p.Base+"/api/0/"+p.Path+"/issues?"+q.Encode())
		if err != nil {
			return err
		}
		var pg pagurePage
		if err := fetch.DecodeJSON("forge", hostOf(p.Base), resp.Body, &pg); err != nil {
			return err
		}
		for _, is := range pg.Issues {
			if !strings.EqualFold(is.Status, "Open") || !containsFold(is.Tags, label) {
				continue
			}
			u := is.FullURL
			if !webURL(u) {
				u = p.Base + "/" + p.Path + "/issue/" + strconv.FormatInt(is.ID, 10)
			}
			res.Issues = append(res.Issues, Issue{ID: is.ID, Title: is.Title, URL: u})
		}
		// Pagure before 5.x sent everything at once, without pagination.
		if pg.Pagination == nil || pg.Pagination.Page >= pg.Pagination.Pages || len(pg.Issues) == 0 {
			return nil
		}
	}
	res.More = true
	return nil
}

// forgejoIssue is the part of Forgejo's Issue used here.
type forgejoIssue struct {
	Number  int64  `json:"number"`
	Title   string `json:"title"`
	HTMLURL string `json:"html_url"`
	State   string `json:"state"`
	Labels  []struct {
		Name string `json:"name"`
	} `json:"labels"`
	PullRequest *struct{} `json:"pull_request"`
}

func (c *Client) forgejo(ctx context.Context, p Project, label string, res *Result) error {
	per := c.perPage
	if per <= 0 {
		per = 50 // Forgejo's default MAX_RESPONSE_ITEMS
	}
	seen := 0
	for page := 1; page <= maxPages && len(res.Issues) <= MaxIssues; page++ {
		q := url.Values{"state": {"open"}, "labels": {label}, "type": {"issues"}, "limit": {strconv.Itoa(per)}, "page": {strconv.Itoa(page)}}
		resp, err := c.get(ctx, p, p.Base+"/api/v1/repos/"+p.Path+"/issues?"+q.Encode())
		if err != nil {
			return err
		}
		var issues []forgejoIssue
		if err := fetch.DecodeJSON("forge", hostOf(p.Base), resp.Body, &issues); err != nil {
			return err
		}
		for _, is := range issues {
			names := make([]string, len(is.Labels))
			for i, l := range is.Labels {
				names[i] = l.Name
			}
			if is.PullRequest != nil || is.State != "open" || !containsFold(names, label) {
				continue
			}
			u := is.HTMLURL
			if !webURL(u) {
				u = p.Base + "/" + p.Path + "/issues/" + strconv.FormatInt(is.Number, 10)
			}
			res.Issues = append(res.Issues, Issue{ID: is.Number, Title: is.Title, URL: u})
		}
		seen += len(issues)
		// The server may cap limit below what was asked: a short page ends
		// the listing, and so does reaching X-Total-Count.
		total, terr := strconv.Atoi(resp.Header.Get("X-Total-Count"))
		if len(issues) == 0 || terr == nil && seen >= total || terr != nil && len(issues) < per {
			return nil
		}
	}
	res.More = true
	return nil
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(strings.TrimSpace(x), s) {
			return true
		}
	}
	return false
}

// webURL accepts absolute http(s) URLs with a host and no white space.
func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && !strings.ContainsAny(s, " \t\r\n")
}
