package pkgs

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"

	"gavel/backend/fetch"
)

// Layout is a lookaside cache path layout.
type Layout int

// The three layouts, oldest first.
const (
	// LayoutOld is "{name}/{file}/{md5}/{file}" (2015 and earlier).
	LayoutOld Layout = iota
	// LayoutHashType is "{name}/{file}/{hashtype}/{hash}/{file}".
	LayoutHashType
	// LayoutNamespaced is "{ns}/{name}/{file}/{hashtype}/{hash}/{file}" (today).
	LayoutNamespaced
)

func (l Layout) String() string {
	switch l {
	case LayoutOld:
		return "old"
	case LayoutHashType:
		return "hashtype"
	case LayoutNamespaced:
		return "namespaced"
	}
	return fmt.Sprintf("Layout(%d)", int(l))
}

// ObjectPath is the path of an entry below the lookaside root.
func ObjectPath(l Layout, ns, name string, e SourceEntry) string {
	f := url.PathEscape(e.Filename)
	switch l {
	case LayoutOld:
		return name + "/" + f + "/" + e.Hash + "/" + f
	case LayoutHashType:
		return name + "/" + f + "/" + e.HashType + "/" + e.Hash + "/" + f
	default:
		return ns + "/" + name + "/" + f + "/" + e.HashType + "/" + e.Hash + "/" + f
	}
}

// ObjectURL is the download URL of an entry in the configured lookaside
// with the namespaced layout (today's src.fedoraproject.org).
func (c *Client) ObjectURL(name string, e SourceEntry) string {
	return c.o.LookasideURL + "/" + ObjectPath(LayoutNamespaced, c.o.Namespace, name, e)
}

// State is the answer of a lookaside check.
type State string

// The two states upload.cgi knows.
const (
	Available State = "Available"
	Missing   State = "Missing"
)

// Probe is the result of checking a source against the lookaside by
// downloading it.
type Probe struct {
	State    State  `json:"state"`
	URL      string `json:"url"`
	Size     int    `json:"size"`
	Verified bool   `json:"verified"` // the body's digest matched the entry
}

func newHash(t string) hash.Hash {
	switch t {
	case "md5":
		return md5.New()
	case "sha1":
		return sha1.New()
	case "sha256":
		return sha256.New()
	case "sha512":
		return sha512.New()
	}
	return nil
}

// Lookaside finds filename in the package's sources file on branch and
// probes it.
func (c *Client) Lookaside(ctx context.Context, name, branch, filename string) (SourceEntry, Probe, error) {
	es, err := c.Sources(ctx, name, branch)
	if err != nil {
		return SourceEntry{}, Probe{}, err
	}
	for _, e := range es {
		if e.Filename == filename {
			p, err := c.Probe(ctx, name, e)
			return e, p, err
		}
	}
	if branch == "" {
		branch = "rawhide"
	}
	return SourceEntry{}, Probe{}, errf(fetch.ErrNotFound, "'%s' is not in the sources file of %s (%s)", clip(filename), name, branch)
}

// Probe downloads the object of e and checks its digest: a 404 is Missing,
// a 200 whose body has the recorded digest is Available, and anything else
// (an error page served with 200, a truncated body) is an error. The body
// is read under the client's size cap.
func (c *Client) Probe(ctx context.Context, name string, e SourceEntry) (Probe, error) {
	u := c.ObjectURL(name, e)
	p := Probe{URL: u}
	resp, err := c.hc.Do(ctx, fetch.Request{URL: u, What: "the lookaside cache"})
	if err != nil {
		return p, err
	}
	switch resp.Status {
	case http.StatusNotFound:
		p.State = Missing
		return p, nil
	case http.StatusOK:
	default:
		return p, errf(fetch.ErrBadResponse, "the lookaside cache answered %d for %s", resp.Status, e.Filename)
	}
	h := newHash(e.HashType)
	if h == nil {
		return p, errf(fetch.ErrInvalid, "cannot verify %s hashes", e.HashType)
	}
	h.Write(resp.Body)
	got := hex.EncodeToString(h.Sum(nil))
	if got != e.Hash {
		return p, errf(fetch.ErrBadResponse, "the lookaside cache served %s with %s %.12s…, want %.12s…", e.Filename, e.HashType, got, e.Hash)
	}
	p.State, p.Size, p.Verified = Available, len(resp.Body), true
	return p, nil
}

// Check asks upload.cgi whether the lookaside holds filename with the
// given hash (the request fedpkg sends before an upload). The body must be
// exactly "Available" or "Missing": 2015's CGI answered errors with 200 and
// a sentence, which is reported as an error here whatever the status.
// upload.cgi wants a packager identity (Kerberos today), so without one the
// answer is ErrUnauthenticated.
func (c *Client) Check(ctx context.Context, name, filename, hashType, hash string) (State, error) {
	if err := checkPkg(name); err != nil {
		return "", err
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	ns := name
	if c.o.Namespace != "" {
		ns = c.o.Namespace + "/" + name
	}
	_ = mw.WriteField("name", ns)
	_ = mw.WriteField("filename", filename)
	_ = mw.WriteField(strings.ToLower(hashType)+"sum", hash)
	_ = mw.Close()
	resp, err := c.hc.Do(ctx, fetch.Request{Method: http.MethodPost, URL: c.o.LookasideURL + "/upload.cgi",
		Header: http.Header{"Content-Type": {mw.FormDataContentType()}}, Body: buf.Bytes(),
		What: "upload.cgi", Idempotent: true,
		AuthHint: "upload.cgi wants a packager identity, which gavel does not send"})
	if err != nil {
		return "", err
	}
	text := strings.TrimSpace(string(resp.Body))
	switch {
	case resp.Status == http.StatusOK && text == string(Available):
		return Available, nil
	case resp.Status == http.StatusOK && text == string(Missing):
		return Missing, nil
	case strings.HasPrefix(text, "Module ") && strings.HasSuffix(text, "does not exist!"):
		return "", errf(fetch.ErrNotFound, "upload.cgi: %s", clip(text))
	case text == "":
		return "", errf(fetch.ErrBadResponse, "upload.cgi answered %d with an empty body", resp.Status)
	}
	return "", errf(fetch.ErrBadResponse, "upload.cgi answered %d: %s", resp.Status, clip(text))
}
