package forge

// Authenticated writes, for what follows a meeting: a comment on an
// agenda ticket, and its label taken off.
//
//	Pagure:        POST /api/0/<project>/issue/<n>/comment (form: comment)
//	               GET  /api/0/<project>/issue/<n> (its comments)
//	Forgejo/Gitea: POST /api/v1/repos/<owner>/<repo>/issues/<n>/comments ({"body": ...})
//	               GET  /api/v1/repos/<owner>/<repo>/issues/<n>/comments
//	               GET  /api/v1/repos/<owner>/<repo>/issues/<n>/labels
//	               DELETE /api/v1/repos/<owner>/<repo>/issues/<n>/labels/<id>
//
// Both take "Authorization: token <token>". A token is never put in an
// error or a log.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"gavel/backend/fetch"
)

// IssueRef is one issue, named by its web page.
type IssueRef struct {
	Project Project
	Number  int64
}

// String is the issue's web page.
func (r IssueRef) String() string {
	if r.Project.Kind == Pagure {
		return r.Project.String() + "/issue/" + strconv.FormatInt(r.Number, 10)
	}
	return r.Project.String() + "/issues/" + strconv.FormatInt(r.Number, 10)
}

// Host is the forge's host (and port), which names its token.
func (r IssueRef) Host() string { return hostOf(r.Project.Base) }

// ParseIssueURL reads an issue's web page: Pagure's
// https://pagure.io/fesco/issue/3201 or Forgejo's
// https://codeberg.org/owner/repo/issues/12. The "/issue/" and "/issues/"
// shapes also tell the forge of an unknown host.
func ParseIssueURL(raw string) (IssueRef, error) {
	raw = strings.TrimRight(strings.TrimSpace(raw), ".,;:)>")
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.User != nil || u.RawQuery != "" {
		return IssueRef{}, errf(fetch.ErrInvalid, "'%s' is not an issue's address", clip(raw))
	}
	segs := splitPath(u.Path)
	if len(segs) < 3 {
		return IssueRef{}, errf(fetch.ErrInvalid, "'%s' is not an issue's address", clip(raw))
	}
	n, err := strconv.ParseInt(segs[len(segs)-1], 10, 64)
	if err != nil || n <= 0 {
		return IssueRef{}, errf(fetch.ErrInvalid, "'%s' does not end with an issue number", clip(raw))
	}
	kind := knownHosts[strings.ToLower(u.Hostname())]
	switch segs[len(segs)-2] {
	case "issue":
		if kind == Forgejo {
			return IssueRef{}, errf(fetch.ErrInvalid, "'%s' is not a Forgejo issue's address", clip(raw))
		}
		kind = Pagure
	case "issues":
		if kind == Pagure {
			return IssueRef{}, errf(fetch.ErrInvalid, "'%s' is not a Pagure issue's address", clip(raw))
		}
		kind = Forgejo
	default:
		return IssueRef{}, errf(fetch.ErrInvalid, "'%s' is not an issue's address", clip(raw))
	}
	p, err := ParseURL(u.Scheme + "://" + u.Host + "/" + strings.Join(segs[:len(segs)-2], "/"))
	if err != nil {
		return IssueRef{}, err
	}
	p.Kind, p.Label = kind, ""
	if kind == Forgejo && len(segs) != 4 || kind == Pagure && !validPagurePath(segs[:len(segs)-2]) {
		return IssueRef{}, errf(fetch.ErrInvalid, "'%s' is not an issue's address", clip(raw))
	}
	return IssueRef{Project: p, Number: n}, nil
}

// StatusError is a forge's answer other than success, with its status
// (401 and 403 come as fetch's ErrUnauthenticated, 5xx as ErrUnavailable).
type StatusError struct {
	Host       string
	Status     int
	Msg        string
	RetryAfter time.Duration // 429: how long the forge asks to wait
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("forge: %s answered %d: %s", e.Host, e.Status, e.Msg)
}

// RetryAfter reads a Retry-After header: seconds, or an HTTP date.
func RetryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// do sends an authenticated request and turns a non-2xx answer into a
// *StatusError.
func (c *Client) do(ctx context.Context, ref IssueRef, method, u, token string, body []byte, contentType string) (*fetch.Response, error) {
	if token == "" {
		return nil, errf(fetch.ErrUnauthenticated, "no API token for %s", ref.Host())
	}
	h := http.Header{"Authorization": {"token " + token}, "Accept": {"application/json"}}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	what := ref.Host()
	resp, err := c.hc.Do(ctx, fetch.Request{Method: method, URL: u, Header: h, Body: body, What: what,
		AuthHint: "check the API token for " + what})
	if err != nil {
		return nil, err
	}
	if resp.Status >= 200 && resp.Status < 300 {
		return resp, nil
	}
	msg := fetch.ServerMessage(resp.Body)
	if msg == "" {
		msg = http.StatusText(resp.Status)
	}
	return nil, &StatusError{Host: what, Status: resp.Status, Msg: clip(msg), RetryAfter: RetryAfter(resp.Header, time.Now())}
}

func (c *Client) resolveRef(ctx context.Context, ref IssueRef) (IssueRef, error) {
	p, err := c.Resolve(ctx, ref.Project)
	if err != nil {
		return IssueRef{}, err
	}
	ref.Project = p
	return ref, nil
}

func (r IssueRef) api() string {
	n := strconv.FormatInt(r.Number, 10)
	if r.Project.Kind == Pagure {
		return r.Project.Base + "/api/0/" + r.Project.Path + "/issue/" + n
	}
	return r.Project.Base + "/api/v1/repos/" + r.Project.Path + "/issues/" + n
}

// Comment adds a comment (Markdown) to the issue.
func (c *Client) Comment(ctx context.Context, ref IssueRef, body, token string) error {
	ref, err := c.resolveRef(ctx, ref)
	if err != nil {
		return err
	}
	if ref.Project.Kind == Pagure {
		form := url.Values{"comment": {body}}.Encode()
		_, err = c.do(ctx, ref, http.MethodPost, ref.api()+"/comment", token, []byte(form), "application/x-www-form-urlencoded")
		return err
	}
	js, _ := json.Marshal(map[string]string{"body": body})
	_, err = c.do(ctx, ref, http.MethodPost, ref.api()+"/comments", token, js, "application/json")
	return err
}

// HasComment reports whether a comment of the issue contains marker.
func (c *Client) HasComment(ctx context.Context, ref IssueRef, marker, token string) (bool, error) {
	ref, err := c.resolveRef(ctx, ref)
	if err != nil {
		return false, err
	}
	var bodies []string
	if ref.Project.Kind == Pagure {
		resp, err := c.do(ctx, ref, http.MethodGet, ref.api(), token, nil, "")
		if err != nil {
			return false, err
		}
		var is struct {
			Comments []struct {
				Comment string `json:"comment"`
			} `json:"comments"`
		}
		if err := fetch.DecodeJSON("forge", ref.Host(), resp.Body, &is); err != nil {
			return false, err
		}
		for _, cm := range is.Comments {
			bodies = append(bodies, cm.Comment)
		}
	} else {
		resp, err := c.do(ctx, ref, http.MethodGet, ref.api()+"/comments", token, nil, "")
		if err != nil {
			return false, err
		}
		var cs []struct {
			Body string `json:"body"`
		}
		if err := fetch.DecodeJSON("forge", ref.Host(), resp.Body, &cs); err != nil {
			return false, err
		}
		for _, cm := range cs {
			bodies = append(bodies, cm.Body)
		}
	}
	for _, b := range bodies {
		if strings.Contains(b, marker) {
			return true, nil
		}
	}
	return false, nil
}

// ErrUnsupported is a write the forge's API does not offer.
var ErrUnsupported = errors.New("not supported by this forge")

// RemoveLabel takes a label off a Forgejo/Gitea issue (nothing to do when
// it does not carry it). Pagure's API has no call for an issue's tags.
func (c *Client) RemoveLabel(ctx context.Context, ref IssueRef, label, token string) error {
	ref, err := c.resolveRef(ctx, ref)
	if err != nil {
		return err
	}
	if ref.Project.Kind == Pagure {
		return fmt.Errorf("forge: removing the tag %q on %s: %w", label, ref.Host(), ErrUnsupported)
	}
	resp, err := c.do(ctx, ref, http.MethodGet, ref.api()+"/labels", token, nil, "")
	if err != nil {
		return err
	}
	var labels []struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}
	if err := fetch.DecodeJSON("forge", ref.Host(), resp.Body, &labels); err != nil {
		return err
	}
	for _, l := range labels {
		if strings.EqualFold(strings.TrimSpace(l.Name), label) {
			_, err := c.do(ctx, ref, http.MethodDelete, ref.api()+"/labels/"+strconv.FormatInt(l.ID, 10), token, nil, "")
			return err
		}
	}
	return nil
}
