// Package pkgs looks up Fedora packages: the dist-git (Pagure) API at
// src.fedoraproject.org (/api/0/rpms/<name>, project search with "*"
// patterns, branches, access lists), mdapi for summaries, the "sources"
// file in both of its formats, the lookaside cache URL layouts, and an
// Available/Missing check of a source against the lookaside that reads the
// body, not only the status code.
package pkgs

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

// Default service roots.
const (
	DefaultDistGitURL   = "https://src.fedoraproject.org"
	DefaultMdapiURL     = "https://apps.fedoraproject.org/mdapi"
	DefaultLookasideURL = "https://src.fedoraproject.org/repo/pkgs"
)

// Options configure a Client.
type Options struct {
	DistGitURL   string
	MdapiURL     string
	LookasideURL string
	Namespace    string        // default "rpms"
	TTL          time.Duration // cache lifetime; default 5 minutes
}

// Client looks up packages in dist-git, mdapi and the lookaside cache.
type Client struct {
	o  Options
	hc *fetch.Client

	projects *fetch.Cache[Project]
	branches *fetch.Cache[Branches]
	sources  *fetch.Cache[[]SourceEntry]
	summary  *fetch.Cache[SrcPkg]
}

// New returns a client using hc for transport.
func New(hc *fetch.Client, o Options) *Client {
	if o.DistGitURL == "" {
		o.DistGitURL = DefaultDistGitURL
	}
	if o.MdapiURL == "" {
		o.MdapiURL = DefaultMdapiURL
	}
	if o.LookasideURL == "" {
		o.LookasideURL = DefaultLookasideURL
	}
	if o.Namespace == "" {
		o.Namespace = "rpms"
	}
	if o.TTL == 0 {
		o.TTL = 5 * time.Minute
	}
	for _, p := range []*string{&o.DistGitURL, &o.MdapiURL, &o.LookasideURL} {
		*p = strings.TrimRight(*p, "/")
	}
	return &Client{o: o, hc: hc,
		projects: fetch.NewCache[Project](o.TTL, 0, nil),
		branches: fetch.NewCache[Branches](o.TTL, 0, nil),
		sources:  fetch.NewCache[[]SourceEntry](o.TTL, 0, nil),
		summary:  fetch.NewCache[SrcPkg](o.TTL, 0, nil),
	}
}

// Options returns the effective options.
func (c *Client) Options() Options { return c.o }

// Project is a dist-git project (/api/0/rpms/<name>).
type Project struct {
	Name         string              `json:"name"`
	Namespace    string              `json:"namespace"`
	FullName     string              `json:"fullname"`
	Description  string              `json:"description"`
	FullURL      string              `json:"full_url"`
	DateCreated  string              `json:"date_created"`
	DateModified string              `json:"date_modified"`
	User         ProjectUser         `json:"user"`
	AccessUsers  map[string][]string `json:"access_users"`
	AccessGroups map[string][]string `json:"access_groups"`
}

// ProjectUser is the main owner of a project.
type ProjectUser struct {
	Name     string `json:"name"`
	FullName string `json:"fullname"`
}

// Branches lists a project's git branches.
type Branches struct {
	Names   []string `json:"branches"`
	Default string   `json:"default"`
}

// SrcPkg is mdapi's source-package record.
type SrcPkg struct {
	Basename    string `json:"basename"`
	Summary     string `json:"summary"`
	Description string `json:"description"`
	Version     string `json:"version"`
	Release     string `json:"release"`
	URL         string `json:"url"`
	Repo        string `json:"repo"`
}

// ProjectPage is one page of a project search.
type ProjectPage struct {
	Projects []Project `json:"projects"`
	Total    int       `json:"total_projects"`
	Page     int       `json:"page"`
	Pages    int       `json:"pages"`
	Next     string    `json:"next,omitempty"`
}

// ValidName reports whether s can be a package name.
func ValidName(s string) bool { return fetch.ValidName(s, 128, "_.+-") }

func validBranch(s string) bool { return fetch.ValidName(s, 64, "_.+-") }

func errf(kind error, format string, a ...any) error {
	return fetch.Errorf("pkgs", kind, nil, fmt.Sprintf(format, a...))
}

func checkPkg(name string) error {
	if !ValidName(name) {
		return errf(fetch.ErrInvalid, "'%s' is not a valid package name", clip(name))
	}
	return nil
}

func clip(s string) string { return fetch.Clip(s, 60) }

func (c *Client) getJSON(ctx context.Context, what, u string, notFound func() error, out any) error {
	resp, err := c.hc.Do(ctx, fetch.Request{URL: u, What: what,
		Header: http.Header{"Accept": {"application/json"}}, Accept: []string{"application/json"}})
	if err != nil {
		return err
	}
	if err := statusErr(what, resp, notFound); err != nil {
		return err
	}
	return fetch.DecodeJSON("pkgs", what, resp.Body, out)
}

func statusErr(what string, resp *fetch.Response, notFound func() error) error {
	switch {
	case resp.Status == http.StatusNotFound && notFound != nil:
		return notFound()
	case resp.Status == http.StatusBadRequest:
		msg := fetch.ServerMessage(resp.Body)
		if msg == "" {
			msg = "bad request"
		}
		return errf(fetch.ErrInvalid, "%s refused the request: %s", what, msg)
	case resp.Status != http.StatusOK:
		return errf(fetch.ErrBadResponse, "%s answered %d %s", what, resp.Status, fetch.ServerMessage(resp.Body))
	}
	return nil
}

// Project returns the dist-git project of a package.
func (c *Client) Project(ctx context.Context, name string) (Project, error) {
	if err := checkPkg(name); err != nil {
		return Project{}, err
	}
	return c.projects.Get(ctx, name, func(ctx context.Context) (Project, error) {
		var p Project
		err := c.getJSON(ctx, "dist-git", c.o.DistGitURL+"/api/0/"+c.o.Namespace+"/"+name, func() error {
			return errf(fetch.ErrNotFound, "no package named '%s'", name)
		}, &p)
		if err == nil && p.Name == "" {
			err = errf(fetch.ErrBadResponse, "dist-git sent a project without a name")
		}
		return p, err
	})
}

// SearchProjects lists packages matching pattern ("*" globs, otherwise
// exact). page counts from 1; perPage is 1..100 (0 means 20).
func (c *Client) SearchProjects(ctx context.Context, pattern string, page, perPage int) (ProjectPage, error) {
	if perPage == 0 {
		perPage = 20
	}
	if perPage < 1 || perPage > 100 {
		return ProjectPage{}, errf(fetch.ErrInvalid, "per page must be between 1 and 100, not %d", perPage)
	}
	if page < 1 {
		page = 1
	}
	if pattern == "" || !ValidName(strings.ReplaceAll(pattern, "*", "x")) {
		return ProjectPage{}, errf(fetch.ErrInvalid, "'%s' is not a valid package pattern", clip(pattern))
	}
	q := url.Values{"namespace": {c.o.Namespace}, "pattern": {pattern},
		"per_page": {strconv.Itoa(perPage)}, "page": {strconv.Itoa(page)}}
	var raw struct {
		Projects   []Project `json:"projects"`
		Total      int       `json:"total_projects"`
		Pagination struct {
			Page  int     `json:"page"`
			Pages int     `json:"pages"`
			Next  *string `json:"next"`
		} `json:"pagination"`
	}
	if err := c.getJSON(ctx, "dist-git", c.o.DistGitURL+"/api/0/projects?"+q.Encode(), nil, &raw); err != nil {
		return ProjectPage{}, err
	}
	out := ProjectPage{Projects: raw.Projects, Total: raw.Total, Page: raw.Pagination.Page, Pages: raw.Pagination.Pages}
	if raw.Pagination.Next != nil {
		out.Next = *raw.Pagination.Next
	}
	return out, nil
}

// Branches returns a package's git branches, sorted.
func (c *Client) Branches(ctx context.Context, name string) (Branches, error) {
	if err := checkPkg(name); err != nil {
		return Branches{}, err
	}
	return c.branches.Get(ctx, name, func(ctx context.Context) (Branches, error) {
		var b Branches
		err := c.getJSON(ctx, "dist-git", c.o.DistGitURL+"/api/0/"+c.o.Namespace+"/"+name+"/git/branches", func() error {
			return errf(fetch.ErrNotFound, "no package named '%s'", name)
		}, &b)
		b.Names = slices.Sorted(slices.Values(b.Names))
		return b, err
	})
}

// Summary returns mdapi's record of a source package on branch (default
// "rawhide"): what .what prints.
func (c *Client) Summary(ctx context.Context, branch, name string) (SrcPkg, error) {
	if branch == "" {
		branch = "rawhide"
	}
	if err := checkPkg(name); err != nil {
		return SrcPkg{}, err
	}
	if !validBranch(branch) {
		return SrcPkg{}, errf(fetch.ErrInvalid, "'%s' is not a valid branch name", clip(branch))
	}
	return c.summary.Get(ctx, branch+"/"+name, func(ctx context.Context) (SrcPkg, error) {
		var p SrcPkg
		err := c.getJSON(ctx, "mdapi", c.o.MdapiURL+"/"+branch+"/srcpkg/"+name, func() error {
			return errf(fetch.ErrNotFound, "no package named '%s' in mdapi (%s)", name, branch)
		}, &p)
		return p, err
	})
}

// Sources returns the parsed "sources" file of a package branch (default
// "rawhide").
func (c *Client) Sources(ctx context.Context, name, branch string) ([]SourceEntry, error) {
	if branch == "" {
		branch = "rawhide"
	}
	if err := checkPkg(name); err != nil {
		return nil, err
	}
	if !validBranch(branch) {
		return nil, errf(fetch.ErrInvalid, "'%s' is not a valid branch name", clip(branch))
	}
	return c.sources.Get(ctx, name+"/"+branch, func(ctx context.Context) ([]SourceEntry, error) {
		u := c.o.DistGitURL + "/" + c.o.Namespace + "/" + name + "/raw/" + branch + "/f/sources"
		resp, err := c.hc.Do(ctx, fetch.Request{URL: u, What: "dist-git", Accept: []string{"text/plain"}})
		if err != nil {
			return nil, err
		}
		if err := statusErr("dist-git", resp, func() error {
			return errf(fetch.ErrNotFound, "no sources file for '%s' on branch %s", name, branch)
		}); err != nil {
			return nil, err
		}
		es, err := ParseSources(string(resp.Body))
		if err != nil {
			return nil, fetch.Errorf("pkgs", fetch.ErrBadResponse, err, fmt.Sprintf("sources file of %s (%s): %v", name, branch, err))
		}
		return es, nil
	})
}
