package offline

import (
	"net/http"
	"slices"
	"testing"
)

func TestLoad(t *testing.T) {
	s, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if s.TakenAt().Format("2006-01-02") != "2025-05-20" {
		t.Errorf("taken at %v", s.TakenAt())
	}
	if !slices.Contains(s.Users(), "stbnruiz001") || slices.Contains(s.Users(), "nosuchuser") {
		t.Errorf("users %v", s.Users())
	}
	if !slices.Contains(s.Packages(), "mirrormanager2") {
		t.Errorf("packages %v", s.Packages())
	}
	if s.HostCountry()["mirror.asu.example.org"] != "PY" {
		t.Errorf("hosts %v", s.HostCountry())
	}
	// Every body the manifest names is embedded.
	for i := range s.Manifest().Entries {
		if _, err := s.Manifest().ReadBody(&s.Manifest().Entries[i]); err != nil {
			t.Error(err)
		}
	}
	c := &http.Client{Transport: s.Transport()}
	resp, err := c.Get("https://fasjson.fedoraproject.org/v1/users/nirik/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
}
