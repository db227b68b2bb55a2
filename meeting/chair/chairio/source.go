package chairio

import (
	"context"
	"fmt"
	"os"
	"strings"

	"gavel/backend/fetch"
	"gavel/meeting/chair/agenda"
)

// ReadFile parses the agenda in the file at path (/agenda load PATH, the
// agenda = "..." config key). A leading "~/" is the home directory.
func ReadFile(path string) ([]agenda.Item, error) {
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, fmt.Errorf("agenda: %w", err)
		}
		path = home + "/" + rest
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("agenda: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("agenda: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("agenda: %s is not a regular file", path)
	}
	items, err := agenda.Parse(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return items, nil
}

// IsURL reports whether src names an http(s) address rather than a file.
func IsURL(src string) bool {
	l := strings.ToLower(src)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

// Fetch parses the agenda at an http(s) address (/agenda load URL) with
// the backend's HTTP client (its timeouts, body cap and same-host
// redirects). A web page (text/html) is refused: the raw file is wanted.
func Fetch(ctx context.Context, c *fetch.Client, url string) ([]agenda.Item, error) {
	if !IsURL(url) {
		return nil, fmt.Errorf("agenda: %q is not an http(s) address", agenda.Cut(agenda.Clean(url), 80))
	}
	resp, err := c.Do(ctx, fetch.Request{URL: url, What: "the agenda's server"})
	if err != nil {
		return nil, err
	}
	if resp.Status != 200 {
		return nil, fmt.Errorf("agenda: %s answered %d", agenda.Cut(agenda.Clean(url), 120), resp.Status)
	}
	if resp.ContentType == "text/html" || resp.ContentType == "application/xhtml+xml" {
		return nil, fmt.Errorf("agenda: %s is a web page, not a Markdown or plain-text list (give the address of the raw file)", agenda.Cut(agenda.Clean(url), 120))
	}
	items, err := agenda.ParseBytes(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", agenda.Cut(agenda.Clean(url), 120), err)
	}
	return items, nil
}
