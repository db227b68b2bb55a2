// Package offline embeds gavel's offline snapshot: recorded answers of
// FASJSON, dist-git, mdapi, the lookaside cache and the mirrorlist server
// (the modern era of shared/fixtures, plus the 2015 fedora-23 mirrorlists)
// in the manifest format of package snapshot. The live clients answer
// offline by using Transport instead of the network, so offline answers
// go through the same parsing and formatting as live ones.
package offline

import (
	"bufio"
	"embed"
	"fmt"
	"io/fs"
	"net/http"
	"slices"
	"strings"
	"time"

	"gavel/backend/snapshot"
)

//go:embed snapshot
var files embed.FS

// Era is the era the snapshot replays first.
const Era = "modern"

// Scenario is the mirrorlist scenario replayed when no country is given
// (a client whose GeoIP country is the US).
const Scenario = "client-ip-in-US"

// Snapshot is the loaded embedded snapshot.
type Snapshot struct {
	m           *snapshot.Manifest
	users       []string
	packages    []string
	hostCountry map[string]string
}

// Load parses the embedded snapshot.
func Load() (*Snapshot, error) {
	sub, err := fs.Sub(files, "snapshot")
	if err != nil {
		return nil, fmt.Errorf("offline: %w", err)
	}
	m, err := snapshot.Load(sub)
	if err != nil {
		return nil, fmt.Errorf("offline: %w", err)
	}
	s := &Snapshot{m: m, hostCountry: map[string]string{}}
	for _, e := range m.Entries {
		if e.Era != Era || e.Status != http.StatusOK || e.Method != http.MethodGet {
			continue
		}
		switch {
		case e.Service == "fasjson" && strings.HasPrefix(e.Path, "/v1/users/") && strings.Count(e.Path, "/") == 4:
			s.users = append(s.users, strings.Split(e.Path, "/")[3])
		case e.Service == "distgit" && strings.HasPrefix(e.Path, "/api/0/rpms/") && strings.Count(e.Path, "/") == 4:
			s.packages = append(s.packages, strings.Split(e.Path, "/")[4])
		}
	}
	slices.Sort(s.users)
	slices.Sort(s.packages)
	if f, err := sub.Open("mirrors/hosts.tsv"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			cols := strings.Split(sc.Text(), "\t")
			if len(cols) >= 3 && len(cols[0]) == 2 {
				s.hostCountry[cols[2]] = cols[0]
			}
		}
	}
	return s, nil
}

// Manifest is the snapshot's manifest.
func (s *Snapshot) Manifest() *snapshot.Manifest { return s.m }

// Transport answers HTTP requests from the snapshot, modern era first.
func (s *Snapshot) Transport() http.RoundTripper {
	return s.m.Transport(snapshot.Selector{Eras: []string{Era, "2015"}, Scenario: Scenario})
}

// TakenAt is when the modern era was recorded.
func (s *Snapshot) TakenAt() time.Time { return s.m.Taken(Era) }

// Users lists the account names the snapshot knows (for completion).
func (s *Snapshot) Users() []string { return slices.Clone(s.users) }

// Packages lists the package names the snapshot knows (for completion).
func (s *Snapshot) Packages() []string { return slices.Clone(s.packages) }

// MirrorCountries lists the countries the snapshot has a mirrorlist
// answer for, for a repository and architecture (sorted; none when it has
// none or only answers without a country).
func (s *Snapshot) MirrorCountries(repo, arch string) []string {
	var out []string
	for _, e := range s.m.Entries {
		if e.Service != "mirrorlist" || e.Status != http.StatusOK || len(e.Query["repo"]) != 1 || len(e.Query["arch"]) != 1 {
			continue
		}
		if e.Query["repo"][0] != repo || e.Query["arch"][0] != arch || len(e.Query["country"]) != 1 || len(e.Query) != 3 {
			continue
		}
		if cc := e.Query["country"][0]; !slices.Contains(out, cc) {
			out = append(out, cc)
		}
	}
	slices.Sort(out)
	return out
}

// HostCountry maps mirror host names to ISO country codes.
func (s *Snapshot) HostCountry() map[string]string {
	out := make(map[string]string, len(s.hostCountry))
	for k, v := range s.hostCountry {
		out[k] = v
	}
	return out
}
