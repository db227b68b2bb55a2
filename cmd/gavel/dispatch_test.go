package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestDispatchConfig: the [dispatch] table, a channel's override key by
// key, secrets from a file (warned when others can read it) and the
// environment, and the mistakes said at start.
func TestDispatchConfig(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "smtp-password")
	os.WriteFile(pw, []byte("hunter2\n"), 0o644)
	cfgFile := filepath.Join(dir, "config.toml")
	os.WriteFile(cfgFile, []byte(`
[dispatch.email]
host = "smtp.example.org"
user = "gavel"
password_file = "`+pw+`"
from = "Gavel <gavel@example.org>"
to = ["devel@lists.example.org"]
subject = "{Name} minutes {date}"

[dispatch.discourse]
url = "https://discussion.example.org"
api_username = "gavel"
api_key_env = "TEST_DISCOURSE_KEY"
category = 6
tags = ["meeting"]

[dispatch.tickets]
remove_label = true

[dispatch.tickets.tokens."pagure.io"]
token_env = "TEST_PAGURE_TOKEN"

[channel."#fedora-coreos".dispatch]
auto = true

[channel."#fedora-coreos".dispatch.email]
to = ["coreos@lists.example.org"]
cc = ["devel@lists.example.org"]

[channel."#fedora-coreos".dispatch.discourse]
off = true
`), 0o600)
	cfg, _, err := loadConfig(cfgFile, true)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"TEST_DISCOURSE_KEY": "forum-key", "TEST_PAGURE_TOKEN": "pagure-token"}
	var warnings []string
	settings, some, err := dispatchSettings(cfg, false, func(k string) string { return env[k] }, func(w string) { warnings = append(warnings, w) })
	if err != nil || !some {
		t.Fatal(err)
	}
	g := settings("#fedora-meeting")
	if g.Auto || g.Email == nil || g.Email.Password != "hunter2" || g.Email.Host != "smtp.example.org" ||
		g.Discourse == nil || g.Discourse.Key != "forum-key" || g.Tickets == nil || g.Tickets.Tokens["pagure.io"] != "pagure-token" || !g.Tickets.RemoveLabel {
		t.Fatalf("global settings %+v %+v %+v %+v", g, g.Email, g.Discourse, g.Tickets)
	}
	c := settings("#Fedora-CoreOS")
	if !c.Auto || c.Discourse != nil || c.Email == nil || c.Email.Host != "smtp.example.org" || c.Email.Password != "hunter2" ||
		!reflect.DeepEqual(c.Email.To, []string{"coreos@lists.example.org"}) || !reflect.DeepEqual(c.Email.Cc, []string{"devel@lists.example.org"}) {
		t.Fatalf("channel settings %+v %+v", c, c.Email)
	}
	if len(warnings) == 0 || !strings.Contains(warnings[0], "can be read by other users") || strings.Contains(strings.Join(warnings, ""), "hunter2") {
		t.Errorf("warnings %q", warnings)
	}
	if h, _, _ := dispatchSettings(cfg, true, func(k string) string { return env[k] }, nil); !h("#fedora-meeting").Auto {
		t.Error("headless does not send without asking")
	}

	for _, c := range []struct{ name, toml, want string }{
		{"user without a password", "[dispatch.email]\nhost = \"h\"\nuser = \"u\"\nfrom = \"a@b\"\nto = [\"c@d\"]\n", "neither password_file nor password_env"},
		{"a password in plain text", "[dispatch.email]\nhost = \"h\"\ntls = \"none\"\nuser = \"u\"\npassword_env = \"TEST_PAGURE_TOKEN\"\nfrom = \"a@b\"\nto = [\"c@d\"]\n", "never sent without TLS"},
		{"unknown placeholder", "[dispatch.email]\nhost = \"h\"\nfrom = \"a@b\"\nto = [\"c@d\"]\nsubject = \"{when}\"\n", "unknown {when}"},
		{"empty env", "[dispatch.discourse]\nurl = \"https://f\"\napi_username = \"g\"\napi_key_env = \"UNSET_KEY\"\n", "UNSET_KEY is empty or unset"},
		{"a secret in the file", "[dispatch.discourse]\nurl = \"https://f\"\napi_username = \"g\"\napi_key = \"k\"\n", "unknown keys: dispatch.discourse.api_key"},
	} {
		p := filepath.Join(dir, "bad.toml")
		os.WriteFile(p, []byte(c.toml), 0o600)
		cfg, _, err := loadConfig(p, true)
		if err == nil {
			_, _, err = dispatchSettings(cfg, false, func(k string) string { return env[k] }, nil)
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}

// TestDispatchMergeKeyByKey: a channel's table of a destination sets only
// the keys it names over the global table (or over nothing), and its off
// always wins; a destination the channel does not name is the global one.
func TestDispatchMergeKeyByKey(t *testing.T) {
	yes, no := true, false
	global := dispatchConfig{
		Email: &emailConfig{Host: "smtp.example.org", Port: 587, User: "gavel", PasswordFile: "/pw", From: "g@example.org",
			To: []string{"devel@example.org"}, Subject: "{Name}"},
		Discourse: &discourseConfig{URL: "https://f.example.org", APIUsername: "gavel", APIKeyEnv: "KEY", Category: 6, Tags: []string{"meeting"}},
		Tickets:   &ticketsConfig{RemoveLabel: &yes, Label: "meeting", Tokens: map[string]tokenConfig{"pagure.io": {TokenEnv: "T"}}},
	}
	for _, c := range []struct {
		name          string
		global, chans dispatchConfig
		want          dispatchConfig
	}{
		{"no channel table", global, dispatchConfig{}, global},
		{"auto only", global, dispatchConfig{Auto: &yes},
			dispatchConfig{Auto: &yes, Email: global.Email, Discourse: global.Discourse, Tickets: global.Tickets}},
		{"mail: some keys", global, dispatchConfig{Email: &emailConfig{Port: 465, TLS: "tls", To: []string{"coreos@example.org"}, Cc: []string{}}},
			dispatchConfig{Email: &emailConfig{Host: "smtp.example.org", Port: 465, TLS: "tls", User: "gavel", PasswordFile: "/pw", From: "g@example.org",
				To: []string{"coreos@example.org"}, Cc: []string{}, Subject: "{Name}"}, Discourse: global.Discourse, Tickets: global.Tickets}},
		{"forum off", global, dispatchConfig{Discourse: &discourseConfig{Off: true}},
			dispatchConfig{Email: global.Email, Discourse: &discourseConfig{Off: true, URL: "https://f.example.org", APIUsername: "gavel", APIKeyEnv: "KEY",
				Category: 6, Tags: []string{"meeting"}}, Tickets: global.Tickets}},
		{"forum: category and title", global, dispatchConfig{Discourse: &discourseConfig{Category: 9, Title: "{Name}", APIKeyFile: "/k"}},
			dispatchConfig{Email: global.Email, Discourse: &discourseConfig{URL: "https://f.example.org", APIUsername: "gavel", APIKeyFile: "/k", APIKeyEnv: "KEY",
				Category: 9, Tags: []string{"meeting"}, Title: "{Name}"}, Tickets: global.Tickets}},
		{"tickets: keep the label", global, dispatchConfig{Tickets: &ticketsConfig{RemoveLabel: &no, Tokens: map[string]tokenConfig{"gitlab.com": {TokenFile: "/t"}}}},
			dispatchConfig{Email: global.Email, Discourse: global.Discourse,
				Tickets: &ticketsConfig{RemoveLabel: &no, Label: "meeting", Tokens: map[string]tokenConfig{"gitlab.com": {TokenFile: "/t"}}}}},
		{"a channel's table with no global one", dispatchConfig{}, dispatchConfig{Email: &emailConfig{Host: "h", To: []string{"c@d"}}},
			dispatchConfig{Email: &emailConfig{Host: "h", To: []string{"c@d"}}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var before emailConfig
			if c.global.Email != nil {
				before = *c.global.Email
			}
			got := c.global.merge(&c.chans)
			if c.global.Email != nil && !reflect.DeepEqual(*c.global.Email, before) {
				t.Errorf("the global table changed: %+v", *c.global.Email)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("merged:\n got %+v %+v %+v %+v\nwant %+v %+v %+v %+v", got, got.Email, got.Discourse, got.Tickets,
					c.want, c.want.Email, c.want.Discourse, c.want.Tickets)
			}
		})
	}
	if got := global.merge(nil); !reflect.DeepEqual(got, global) {
		t.Errorf("no channel table: %+v", got)
	}
}
