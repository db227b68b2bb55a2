// Package mirrors asks MirrorManager which mirrors serve a repository:
// the mirrorlist (text) and metalink (XML) answers for a repo and arch,
// parsed into mirrors with their country and protocol and the selection
// step (netblock, ASN, Internet2, country, global) that chose them.
package mirrors

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"gavel/backend/fetch"
)

// DefaultBaseURL serves /mirrorlist and /metalink.
const DefaultBaseURL = "https://mirrors.fedoraproject.org"

// Options configure a Client.
type Options struct {
	BaseURL string
	TTL     time.Duration // default 5 minutes
	// HostCountry maps mirror host names to ISO country codes; it fills in
	// countries the metalink did not give (the offline snapshot carries
	// one, taken from the public mirror list).
	HostCountry map[string]string
	Logger      *slog.Logger
}

// Client talks to one MirrorManager.
type Client struct {
	o     Options
	hc    *fetch.Client
	cache *fetch.Cache[Selection]
}

// New returns a client using hc for transport.
func New(hc *fetch.Client, o Options) *Client {
	if o.BaseURL == "" {
		o.BaseURL = DefaultBaseURL
	}
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
	if o.TTL == 0 {
		o.TTL = 5 * time.Minute
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Client{o: o, hc: hc, cache: fetch.NewCache[Selection](o.TTL, 0, nil)}
}

// Query selects a repository.
type Query struct {
	Repo      string
	Arch      string
	Countries []string // ISO codes; empty lets the server use GeoIP
	Protocols []string // for example "https"
}

func validToken(s string) bool { return fetch.ValidName(s, 64, "_.-") }

func (q Query) values() (url.Values, error) {
	if !validToken(q.Repo) || !validToken(q.Arch) {
		return nil, fetch.Errorf("mirrors", fetch.ErrInvalid, nil, "want a repo and an arch, like 'fedora-42 x86_64'")
	}
	v := url.Values{"repo": {q.Repo}, "arch": {q.Arch}}
	for _, c := range q.Countries {
		if len(c) != 2 && c != "global" || !validToken(c) {
			return nil, fetch.Errorf("mirrors", fetch.ErrInvalid, nil, fmt.Sprintf("'%.10s' is not a country code", c))
		}
	}
	if len(q.Countries) > 0 {
		v.Set("country", strings.ToUpper(strings.Join(q.Countries, ",")))
	}
	if len(q.Protocols) > 0 {
		v.Set("protocol", strings.Join(q.Protocols, ","))
	}
	return v, nil
}

// Mirrorlist fetches and parses /mirrorlist.
func (c *Client) Mirrorlist(ctx context.Context, q Query) (Mirrorlist, error) {
	v, err := q.values()
	if err != nil {
		return Mirrorlist{}, err
	}
	resp, err := c.hc.Do(ctx, fetch.Request{URL: c.o.BaseURL + "/mirrorlist?" + v.Encode(), What: "the mirrorlist server",
		Accept: []string{"text/plain"}})
	if err != nil {
		return Mirrorlist{}, err
	}
	if resp.Status != http.StatusOK && resp.Status != http.StatusNotFound || resp.Status == http.StatusNotFound && resp.ContentType != "text/plain" {
		return Mirrorlist{}, fetch.Errorf("mirrors", fetch.ErrBadResponse, nil, fmt.Sprintf("the mirrorlist server answered %d", resp.Status))
	}
	ml, err := ParseMirrorlist(string(resp.Body))
	if err != nil {
		if resp.Status == http.StatusNotFound {
			return Mirrorlist{}, c.invalid(q, nil)
		}
		return Mirrorlist{}, fetch.Errorf("mirrors", fetch.ErrBadResponse, err, "the mirrorlist server sent "+err.Error())
	}
	if ml.Error != "" {
		return ml, c.invalid(q, ml.Available)
	}
	return ml, nil
}

func (c *Client) invalid(q Query, avail []RepoArch) error {
	msg := fmt.Sprintf("no repo '%s' for arch '%s'", q.Repo, q.Arch)
	if len(avail) > 0 {
		var s []string
		for i, a := range avail {
			if i == 4 {
				s = append(s, fmt.Sprintf("and %d more", len(avail)-i))
				break
			}
			s = append(s, a.Repo+" "+a.Arch)
		}
		msg += " (try " + strings.Join(s, ", ") + ")"
	}
	return fetch.Errorf("mirrors", fetch.ErrNotFound, nil, msg)
}

// Metalink fetches and parses /metalink.
func (c *Client) Metalink(ctx context.Context, q Query) (Metalink, error) {
	v, err := q.values()
	if err != nil {
		return Metalink{}, err
	}
	resp, err := c.hc.Do(ctx, fetch.Request{URL: c.o.BaseURL + "/metalink?" + v.Encode(), What: "the metalink server",
		Accept: []string{"application/metalink+xml", "application/xml", "text/xml"}})
	if err != nil {
		return Metalink{}, err
	}
	if resp.Status != http.StatusOK && resp.Status != http.StatusNotFound {
		return Metalink{}, fetch.Errorf("mirrors", fetch.ErrBadResponse, nil, fmt.Sprintf("the metalink server answered %d", resp.Status))
	}
	m, err := ParseMetalink(resp.Body)
	if err != nil {
		return Metalink{}, fetch.Errorf("mirrors", fetch.ErrBadResponse, err, "the metalink server sent malformed XML")
	}
	if m.Error != "" || resp.Status == http.StatusNotFound {
		return m, c.invalid(q, nil)
	}
	return m, nil
}

// Mirror is one mirror chosen for a repository.
type Mirror struct {
	Host     string `json:"host"`
	URL      string `json:"url"`
	Country  string `json:"country"` // "" when unknown
	Protocol string `json:"protocol"`
	Step     string `json:"step"` // the selection step that chose it
}

// Selection is the mirrorlist answer, explained.
type Selection struct {
	Repo    string   `json:"repo"`
	Arch    string   `json:"arch"`
	Steps   []string `json:"steps"`
	Mirrors []Mirror `json:"mirrors"`
}

// Mirrors fetches the mirrorlist and explains it: each mirror's country
// (from the metalink's location attributes, else from HostCountry) and the
// step that chose it. The metalink is best effort.
func (c *Client) Mirrors(ctx context.Context, q Query) (Selection, error) {
	v, err := q.values()
	if err != nil {
		return Selection{}, err
	}
	return c.cache.Get(ctx, v.Encode(), func(ctx context.Context) (Selection, error) {
		ml, err := c.Mirrorlist(ctx, q)
		if err != nil {
			return Selection{}, err
		}
		loc := map[string]string{}
		if meta, err := c.Metalink(ctx, q); err == nil {
			for _, r := range meta.Resources {
				if u, err := url.Parse(r.URL); err == nil && r.Location != "" {
					loc[u.Hostname()] = strings.ToUpper(r.Location)
				}
			}
		} else {
			c.o.Logger.Debug("metalink unavailable; countries from the host list", "err", err)
		}
		sel := Selection{Repo: q.Repo, Arch: q.Arch, Steps: ml.Steps}
		for _, raw := range ml.URLs {
			u, err := url.Parse(raw)
			if err != nil {
				continue
			}
			host := u.Hostname()
			cc := loc[host]
			if cc == "" {
				cc = c.o.HostCountry[host]
			}
			sel.Mirrors = append(sel.Mirrors, Mirror{Host: host, URL: raw, Country: cc, Protocol: u.Scheme, Step: stepFor(ml.Steps, cc)})
		}
		return sel, nil
	})
}

// stepFor says which selection step chose a mirror in country cc: its
// "country = CC" step when there is one, else "global" when the global
// fallback ran, else the first of the netblock/ASN/Internet2 steps, else
// the only step there is; "" when it cannot be told.
func stepFor(steps []string, cc string) string {
	if cc != "" && slices.Contains(steps, "country = "+cc) {
		return "country = " + cc
	}
	if slices.Contains(steps, "global") {
		return "global"
	}
	for _, s := range steps {
		if !strings.HasPrefix(s, "country = ") {
			return s
		}
	}
	if len(steps) == 1 {
		return steps[0]
	}
	return ""
}
