package dispatch

// Discourse: a topic per meeting, created with POST /posts.json (title,
// raw, category, tags, external_id: the request of discourse/discourse's
// topic_create_request schema) as the API user, with the Api-Key and
// Api-Username headers. A retry asks GET /t/external_id/<id>.json first,
// so that a topic created by an attempt whose answer was lost is found
// instead of posted twice.

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
	"gavel/backend/forge"
)

// topicCreated is the part of Discourse's topic_create_response used.
type topicCreated struct {
	ID        int64  `json:"id"` // the post
	TopicID   int64  `json:"topic_id"`
	TopicSlug string `json:"topic_slug"`
}

// topicShown is the part of Discourse's topic_show_response used. Its
// tags are names, or objects with a name in newer forums.
type topicShown struct {
	ID   int64          `json:"id"`
	Slug string         `json:"slug"`
	Tags []discourseTag `json:"tags"`
}

// discourseTag reads a tag as a name or as {"id": …, "name": …}.
type discourseTag string

func (t *discourseTag) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err == nil {
		*t = discourseTag(name)
		return nil
	}
	var obj struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(b, &obj); err != nil {
		return err
	}
	*t = discourseTag(obj.Name)
	return nil
}

// discourseErrors is Discourse's error body: {"errors": [...], "error_type": ..., "extras": {"wait_seconds": N}}.
type discourseErrors struct {
	Errors    []string `json:"errors"`
	ErrorType string   `json:"error_type"`
	Extras    struct {
		WaitSeconds float64 `json:"wait_seconds"`
	} `json:"extras"`
}

func (d *Dispatcher) postTopic(ctx context.Context, s DiscourseSettings, t *Topic, a Attempt) (string, error) {
	site := strings.TrimSuffix(t.Site, "/")
	if a.Resumed {
		ref, found, err := d.findTopic(ctx, s, site, t.ExternalID)
		if err != nil {
			return "", err
		}
		if found {
			return ref, nil
		}
	}
	req := map[string]any{"title": t.Title, "raw": t.Raw, "external_id": t.ExternalID}
	if t.Category != 0 {
		req["category"] = t.Category
	}
	if len(t.Tags) > 0 {
		req["tags"] = t.Tags
	}
	body, err := json.Marshal(req)
	if err != nil {
		return "", &RefusedError{err}
	}
	resp, err := d.discourse(ctx, s, http.MethodPost, site+"/posts.json", body)
	if err != nil {
		return "", err
	}
	var c topicCreated
	if err := fetch.DecodeJSON("discourse", hostOf(site), resp.Body, &c); err != nil {
		return "", err
	}
	if c.TopicID == 0 {
		return "", fmt.Errorf("discourse: %s answered without a topic id", hostOf(site))
	}
	ref := topicURL(site, c.TopicSlug, c.TopicID)
	if len(t.Tags) > 0 {
		ref += d.checkTags(ctx, s, site, c.TopicID, t.Tags)
	}
	return ref, nil
}

// checkTags asks for the new topic and says which tags the forum did not
// apply (a forum may drop tags it does not allow, or take them in
// another shape): "" when all are there. The topic exists either way.
func (d *Dispatcher) checkTags(ctx context.Context, s DiscourseSettings, site string, id int64, want []string) string {
	resp, err := d.discourse(ctx, s, http.MethodGet, site+"/t/"+strconv.FormatInt(id, 10)+".json", nil)
	if err != nil {
		return " (its tags could not be checked: " + err.Error() + ")"
	}
	var t topicShown
	if err := fetch.DecodeJSON("discourse", hostOf(site), resp.Body, &t); err != nil {
		return " (its tags could not be checked: " + err.Error() + ")"
	}
	var missing []string
	for _, w := range want {
		found := false
		for _, h := range t.Tags {
			if strings.EqualFold(string(h), w) {
				found = true
			}
		}
		if !found {
			missing = append(missing, w)
		}
	}
	if len(missing) == 0 {
		return ""
	}
	return " (the forum did not apply the tags " + strings.Join(missing, ", ") + ")"
}

// findTopic asks for the topic with the external id.
func (d *Dispatcher) findTopic(ctx context.Context, s DiscourseSettings, site, extID string) (string, bool, error) {
	resp, err := d.discourse(ctx, s, http.MethodGet, site+"/t/external_id/"+url.PathEscape(extID)+".json", nil)
	var refused *RefusedError
	if errors.As(err, &refused) {
		var se *httpStatusError
		if errors.As(err, &se) && se.status == http.StatusNotFound {
			return "", false, nil
		}
	}
	if err != nil {
		return "", false, err
	}
	var t topicShown
	if err := fetch.DecodeJSON("discourse", hostOf(site), resp.Body, &t); err != nil {
		return "", false, err
	}
	if t.ID == 0 {
		return "", false, fmt.Errorf("discourse: %s answered without a topic id", hostOf(site))
	}
	return topicURL(site, t.Slug, t.ID), true, nil
}

func topicURL(site, slug string, id int64) string {
	if slug == "" {
		slug = "-"
	}
	return site + "/t/" + slug + "/" + strconv.FormatInt(id, 10)
}

// httpStatusError is an HTTP answer that is not a success.
type httpStatusError struct {
	host   string
	status int
	msg    string
}

func (e *httpStatusError) Error() string {
	return fmt.Sprintf("%s answered %d %s", e.host, e.status, e.msg)
}

// discourse sends one API request and sorts its failure: 408, 5xx and the
// network are worth a retry, 429 after its Retry-After, other 4xx are a
// refusal.
func (d *Dispatcher) discourse(ctx context.Context, s DiscourseSettings, method, u string, body []byte) (*fetch.Response, error) {
	host := hostOf(u)
	h := http.Header{"Api-Key": {s.Key}, "Api-Username": {s.Username}, "Accept": {"application/json"}}
	if body != nil {
		h.Set("Content-Type", "application/json")
	}
	resp, err := d.cfg.HTTP.Do(ctx, fetch.Request{Method: method, URL: u, Header: h, Body: body, What: host,
		AuthHint: "check dispatch.discourse's api_username and api_key"})
	if err != nil {
		return nil, classifyHTTP(err)
	}
	if resp.Status >= 200 && resp.Status < 300 {
		if resp.ContentType != "application/json" {
			return nil, fmt.Errorf("discourse: %s sent %s, not JSON", host, cmpOr(resp.ContentType, "no content type"))
		}
		return resp, nil
	}
	var de discourseErrors
	_ = json.Unmarshal(resp.Body, &de)
	msg := strings.Join(de.Errors, "; ")
	if msg == "" {
		msg = http.StatusText(resp.Status)
	}
	serr := &httpStatusError{host: host, status: resp.Status, msg: fetch.Clip(msg, 200)}
	switch {
	case resp.Status == http.StatusTooManyRequests:
		wait := forge.RetryAfter(resp.Header, d.cfg.Now())
		if wait == 0 && de.Extras.WaitSeconds > 0 {
			wait = time.Duration(de.Extras.WaitSeconds * float64(time.Second))
		}
		return nil, &WaitError{Err: serr, After: wait}
	case resp.Status == http.StatusRequestTimeout:
		return nil, serr
	case resp.Status >= 400 && resp.Status < 500:
		return nil, &RefusedError{serr}
	}
	return nil, serr
}

// classifyHTTP sorts a fetch error: unauthenticated and invalid requests
// are refusals; the rest (unavailable, bad answers) are worth a retry.
func classifyHTTP(err error) error {
	if errors.Is(err, fetch.ErrUnauthenticated) || errors.Is(err, fetch.ErrInvalid) || errors.Is(err, fetch.ErrNotFound) {
		return &RefusedError{err}
	}
	return err
}

func hostOf(u string) string {
	if pu, err := url.Parse(u); err == nil && pu.Host != "" {
		return pu.Host
	}
	return u
}
