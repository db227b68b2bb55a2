// Package fas is a read-only client for FASJSON, the Fedora account
// service (https://fasjson.fedoraproject.org/v1/): users, user search,
// groups, group members and sponsors, with FASJSON's X-Fields masks and
// paging. Kerberos is out of scope: an unauthenticated 401 becomes an error
// that says so. Answers are cached with a TTL and single-flight.
package fas

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"gavel/backend/fetch"
)

// DefaultBaseURL is the production FASJSON.
const DefaultBaseURL = "https://fasjson.fedoraproject.org"

// ListMask is the X-Fields mask used to download every account for the
// .fas cache (the fields .fas prints and searches).
const ListMask = "{username,human_name,emails,ircnicks}"

const authHint = "FASJSON needs Kerberos (SPNEGO) credentials, which gavel does not send; use the offline snapshot (--offline)"

// maxPages bounds every paging loop.
const maxPages = 5000

// User is a FASJSON user. Pointer fields are null for private accounts
// (and for masked listings).
type User struct {
	Username   string   `json:"username"`
	HumanName  *string  `json:"human_name"`
	GivenName  *string  `json:"givenname,omitempty"`
	Surname    *string  `json:"surname,omitempty"`
	Emails     []string `json:"emails"`
	IRCNicks   []string `json:"ircnicks"`
	Timezone   *string  `json:"timezone,omitempty"`
	Locale     *string  `json:"locale,omitempty"`
	GPGKeyIDs  []string `json:"gpgkeyids,omitempty"`
	Creation   *string  `json:"creation,omitempty"`
	IsPrivate  bool     `json:"is_private"`
	Locked     bool     `json:"locked"`
	Pronouns   []string `json:"pronouns,omitempty"`
	GitHub     *string  `json:"github_username,omitempty"`
	GitLab     *string  `json:"gitlab_username,omitempty"`
	RHBZEmail  *string  `json:"rhbzemail,omitempty"`
	URI        string   `json:"uri,omitempty"`
	SSHPubKeys []string `json:"sshpubkeys,omitempty"`
}

// Group is a FASJSON group.
type Group struct {
	Name          string   `json:"groupname"`
	Description   *string  `json:"description"`
	MailingList   *string  `json:"mailing_list"`
	URL           *string  `json:"url"`
	IRC           []string `json:"irc"`
	DiscussionURL *string  `json:"discussion_url"`
	URI           string   `json:"uri,omitempty"`
}

// Nicks splits IRC nicks ("irc:/nick", "irc://server/nick" or a bare
// legacy nick) from Matrix IDs ("matrix:/name", "matrix://server/name").
func Nicks(uris []string) (irc, matrix []string) {
	for _, u := range uris {
		switch {
		case strings.HasPrefix(u, "irc:"), strings.HasPrefix(u, "ircs:"):
			if n := lastSegment(u); n != "" {
				irc = append(irc, n)
			}
		case strings.HasPrefix(u, "matrix:"):
			rest := strings.TrimPrefix(strings.TrimPrefix(u, "matrix:"), "/")
			if strings.HasPrefix(rest, "/") { // matrix://server/name
				rest = strings.TrimPrefix(rest, "/")
				if i := strings.IndexByte(rest, '/'); i >= 0 {
					rest = "@" + rest[i+1:] + ":" + rest[:i]
				}
			} else if rest != "" {
				rest = "@" + rest + ":fedora.im"
			}
			if rest != "" {
				matrix = append(matrix, rest)
			}
		case u != "" && !strings.Contains(u, ":"):
			irc = append(irc, u)
		}
	}
	return irc, matrix
}

func lastSegment(u string) string {
	u = strings.TrimRight(u, "/")
	if i := strings.LastIndexByte(u, '/'); i >= 0 {
		return u[i+1:]
	}
	return strings.TrimPrefix(u, "irc:")
}

// ValidName reports whether s fits FASJSON's user and group name syntax.
func ValidName(s string) bool { return fetch.ValidName(s, 64, "_.-") }

// Client talks to one FASJSON instance.
type Client struct {
	base     string
	hc       *fetch.Client
	pageSize int

	users      *fetch.Cache[User]
	userGroups *fetch.Cache[[]string]
	groups     *fetch.Cache[Group]
	members    *fetch.Cache[[]string]
	all        *fetch.Cache[[]User]
}

// Options configure a Client.
type Options struct {
	BaseURL  string        // default DefaultBaseURL
	TTL      time.Duration // cache lifetime; default 5 minutes
	PageSize int           // page size for the full user listing; default 40
}

// New returns a client using hc for transport.
func New(hc *fetch.Client, o Options) *Client {
	if o.BaseURL == "" {
		o.BaseURL = DefaultBaseURL
	}
	if o.TTL == 0 {
		o.TTL = 5 * time.Minute
	}
	if o.PageSize <= 0 {
		o.PageSize = 40
	}
	return &Client{
		base: strings.TrimRight(o.BaseURL, "/"), hc: hc, pageSize: o.PageSize,
		users:      fetch.NewCache[User](o.TTL, 0, nil),
		userGroups: fetch.NewCache[[]string](o.TTL, 0, nil),
		groups:     fetch.NewCache[Group](o.TTL, 0, nil),
		members:    fetch.NewCache[[]string](o.TTL, 0, nil),
		all:        fetch.NewCache[[]User](o.TTL, 1, nil),
	}
}

// BaseURL is the FASJSON root in use.
func (c *Client) BaseURL() string { return c.base }

type page struct {
	TotalResults int    `json:"total_results"`
	PageSize     int    `json:"page_size"`
	PageNumber   int    `json:"page_number"`
	TotalPages   int    `json:"total_pages"`
	NextPage     string `json:"next_page"`
}

type envelope[T any] struct {
	Result T     `json:"result"`
	Page   *page `json:"page"`
}

func (c *Client) errf(kind error, msg string, a ...any) error {
	return fetch.Errorf("fas", kind, nil, fmt.Sprintf(msg, a...))
}

// get fetches path and decodes the envelope's result into out. notFound
// builds the error for a 404.
func (c *Client) get(ctx context.Context, path string, q url.Values, mask string, notFound func() error, out any) (*page, error) {
	u := c.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	h := http.Header{"Accept": {"application/json"}}
	if mask != "" {
		h.Set("X-Fields", mask)
	}
	resp, err := c.hc.Do(ctx, fetch.Request{URL: u, Header: h, What: "FASJSON",
		Accept: []string{"application/json"}, AuthHint: authHint})
	if err != nil {
		return nil, err
	}
	switch {
	case resp.Status == http.StatusNotFound && notFound != nil:
		return nil, notFound()
	case resp.Status == http.StatusBadRequest:
		msg := fetch.ServerMessage(resp.Body)
		if msg == "" {
			msg = "bad request"
		}
		return nil, c.errf(fetch.ErrInvalid, "FASJSON refused the request: %s", msg)
	case resp.Status != http.StatusOK:
		msg := fetch.ServerMessage(resp.Body)
		return nil, c.errf(fetch.ErrBadResponse, "FASJSON answered %d %s", resp.Status, msg)
	}
	env := envelope[any]{Result: out}
	if err := fetch.DecodeJSON("fas", "FASJSON", resp.Body, &env); err != nil {
		return nil, err
	}
	return env.Page, nil
}

func (c *Client) checkName(kind, name string) error {
	if !ValidName(name) {
		return c.errf(fetch.ErrInvalid, "'%s' is not a valid %s name", clip(name), kind)
	}
	return nil
}

func clip(s string) string { return fetch.Clip(s, 40) }

// User returns one account.
func (c *Client) User(ctx context.Context, name string) (User, error) {
	if err := c.checkName("user", name); err != nil {
		return User{}, err
	}
	return c.users.Get(ctx, name, func(ctx context.Context) (User, error) {
		var u User
		_, err := c.get(ctx, "/v1/users/"+name+"/", nil, "", func() error {
			return c.errf(fetch.ErrNotFound, "no user named '%s'", name)
		}, &u)
		if err == nil && u.Username == "" {
			err = c.errf(fetch.ErrBadResponse, "FASJSON sent a user without a username")
		}
		return u, err
	})
}

// UserGroups returns the names of the groups a user belongs to.
func (c *Client) UserGroups(ctx context.Context, name string) ([]string, error) {
	if err := c.checkName("user", name); err != nil {
		return nil, err
	}
	return c.userGroups.Get(ctx, name, func(ctx context.Context) ([]string, error) {
		var gs []struct {
			Name string `json:"groupname"`
		}
		if _, err := c.get(ctx, "/v1/users/"+name+"/groups/", nil, "", func() error {
			return c.errf(fetch.ErrNotFound, "no user named '%s'", name)
		}, &gs); err != nil {
			return nil, err
		}
		out := make([]string, 0, len(gs))
		for _, g := range gs {
			out = append(out, g.Name)
		}
		return out, nil
	})
}

// Group returns one group.
func (c *Client) Group(ctx context.Context, name string) (Group, error) {
	if err := c.checkName("group", name); err != nil {
		return Group{}, err
	}
	return c.groups.Get(ctx, name, func(ctx context.Context) (Group, error) {
		var g Group
		_, err := c.get(ctx, "/v1/groups/"+name+"/", nil, "", c.noGroup(name), &g)
		return g, err
	})
}

func (c *Client) noGroup(name string) func() error {
	return func() error { return c.errf(fetch.ErrNotFound, "no group named '%s'", name) }
}

// Members returns the usernames of a group's members.
func (c *Client) Members(ctx context.Context, group string) ([]string, error) {
	return c.roster(ctx, group, "members")
}

// Sponsors returns the usernames of a group's sponsors.
func (c *Client) Sponsors(ctx context.Context, group string) ([]string, error) {
	return c.roster(ctx, group, "sponsors")
}

func (c *Client) roster(ctx context.Context, group, which string) ([]string, error) {
	if err := c.checkName("group", group); err != nil {
		return nil, err
	}
	return c.members.Get(ctx, which+"/"+group, func(ctx context.Context) ([]string, error) {
		var out []string
		for n := 1; n <= maxPages; n++ {
			var rs []struct {
				Username string `json:"username"`
			}
			var q url.Values
			if n > 1 {
				q = url.Values{"page_number": {strconv.Itoa(n)}}
			}
			pg, err := c.get(ctx, "/v1/groups/"+group+"/"+which+"/", q, "", c.noGroup(group), &rs)
			if err != nil {
				return nil, err
			}
			for _, r := range rs {
				out = append(out, r.Username)
			}
			if pg == nil || pg.PageNumber >= pg.TotalPages {
				break
			}
		}
		return out, nil
	})
}

// IsMember reports whether user is in group.
func (c *Client) IsMember(ctx context.Context, group, user string) (bool, error) {
	if err := c.checkName("group", group); err != nil {
		return false, err
	}
	if err := c.checkName("user", user); err != nil {
		return false, err
	}
	var ok bool
	_, err := c.get(ctx, "/v1/groups/"+group+"/is-member/"+user, nil, "", c.noGroup(group), &ok)
	return ok, err
}

// Search holds /v1/search/users/ terms. Substring terms need 3 characters.
type Search struct {
	Username, HumanName, IRCNick, Email string
	Groups                              []string
}

// SearchUsers runs a server-side search and follows its pages.
func (c *Client) SearchUsers(ctx context.Context, s Search) ([]User, error) {
	q := url.Values{}
	for k, v := range map[string]string{"username": s.Username, "human_name": s.HumanName, "ircnick": s.IRCNick} {
		if v == "" {
			continue
		}
		if len([]rune(v)) < 3 {
			return nil, c.errf(fetch.ErrInvalid, "search term %s='%s' must be at least 3 characters long", k, clip(v))
		}
		q.Set(k, v)
	}
	if s.Email != "" {
		q.Set("email", s.Email)
	}
	for _, g := range s.Groups {
		q.Add("group", g)
	}
	if len(q) == 0 {
		return nil, c.errf(fetch.ErrInvalid, "at least one search term must be provided")
	}
	var out []User
	for n := 1; n <= maxPages; n++ {
		if n > 1 {
			q.Set("page_number", strconv.Itoa(n))
		}
		var us []User
		pg, err := c.get(ctx, "/v1/search/users/", q, "", nil, &us)
		if err != nil {
			return nil, err
		}
		out = append(out, us...)
		if pg == nil || pg.PageNumber >= pg.TotalPages {
			break
		}
	}
	return out, nil
}

// AllUsers downloads every account with the ListMask mask, page by page
// (zodbot's .fas cache). The listing is cached like any other answer.
func (c *Client) AllUsers(ctx context.Context) ([]User, error) {
	return c.all.Get(ctx, "all", func(ctx context.Context) ([]User, error) {
		var out []User
		for n := 1; n <= maxPages; n++ {
			q := url.Values{"page_size": {strconv.Itoa(c.pageSize)}, "page_number": {strconv.Itoa(n)}}
			var us []User
			pg, err := c.get(ctx, "/v1/users/", q, ListMask, nil, &us)
			if err != nil {
				return nil, err
			}
			out = append(out, us...)
			if pg == nil || pg.PageNumber >= pg.TotalPages || len(us) == 0 {
				break
			}
		}
		return out, nil
	})
}

// Find does what zodbot's .fas does: a case-insensitive substring match of
// query against "username emails human_name ircnicks" over every account.
// Unlike supybot-fedora in FASJSON mode, both sides are lower-cased, so
// ".fas esteban" finds "Esteban". Results are sorted by username.
func (c *Client) Find(ctx context.Context, query string) ([]User, error) {
	q := strings.ToLower(strings.TrimSpace(query))
	if q == "" {
		return nil, c.errf(fetch.ErrInvalid, "nothing to search for")
	}
	all, err := c.AllUsers(ctx)
	if err != nil {
		return nil, err
	}
	var out []User
	for _, u := range all {
		hay := []string{u.Username}
		hay = append(hay, u.Emails...)
		if u.HumanName != nil {
			hay = append(hay, *u.HumanName)
		}
		irc, _ := Nicks(u.IRCNicks)
		hay = append(hay, irc...)
		if strings.Contains(strings.ToLower(strings.Join(hay, " ")), q) {
			out = append(out, u)
		}
	}
	slices.SortFunc(out, func(a, b User) int { return strings.Compare(a.Username, b.Username) })
	return out, nil
}
