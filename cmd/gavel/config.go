package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"gavel/ircclient"
)

// config is gavel's configuration file ($XDG_CONFIG_HOME/gavel/config.toml).
// Flags override it. The SASL password is never taken from a flag: it comes
// from an environment variable or a file, and is never logged.
type config struct {
	Server      string   `toml:"server"`
	Port        int      `toml:"port"`
	TLS         *bool    `toml:"tls"`
	TLSCAFile   string   `toml:"tls_ca_file"`
	TLSCertFile string   `toml:"tls_cert_file"`
	TLSKeyFile  string   `toml:"tls_key_file"`
	Nick        string   `toml:"nick"`
	AltNicks    []string `toml:"alt_nicks"`
	RealName    string   `toml:"realname"`
	Channels    []string `toml:"channels"`

	SASLAccount      string `toml:"sasl_account"`
	SASLPasswordEnv  string `toml:"sasl_password_env"`
	SASLPasswordFile string `toml:"sasl_password_file"`

	SendBurst int     `toml:"send_burst"`
	SendRate  float64 `toml:"send_rate"`

	Style        string `toml:"style"`
	Archive      string `toml:"archive"`
	URLPrefix    string `toml:"url_prefix"`
	JournalDir   string `toml:"journal_dir"`
	BindChairs   bool   `toml:"bind_chairs_to_accounts"`
	LookupPrefix string `toml:"lookup_prefix"`

	Offline   bool   `toml:"offline"`
	Theme     string `toml:"theme"`
	ThemeFile string `toml:"theme_file"`
	Bell      *bool  `toml:"bell"` // the console's bell on a highlight or private message (default true)
	// ScrollbackMB is the console's scrollback across all windows, in
	// MiB (default 64); headless keeps none.
	ScrollbackMB *int `toml:"scrollback_mb"`

	Backend backendConfig `toml:"backend"`
	Bus     busConfig     `toml:"bus"`
	// Dispatch is where the minutes go after the meeting (dispatch.go).
	Dispatch dispatchConfig `toml:"dispatch"`
	// Channel holds per-channel settings of the chair's tools
	// ([channel."#name"], see chair.go).
	Channel map[string]channelConfig `toml:"channel"`
	// Matrix is the chair's Matrix account ([matrix], matrix.go): with
	// it, gavel runs meetings in Matrix rooms, beside the IRC channels
	// or alone.
	Matrix matrixConfig `toml:"matrix"`
}

// backendConfig points the lookups at other services (tests, mirrors).
type backendConfig struct {
	FASURL       string   `toml:"fas_url"`
	DistGitURL   string   `toml:"distgit_url"`
	MdapiURL     string   `toml:"mdapi_url"`
	LookasideURL string   `toml:"lookaside_url"`
	MirrorsURL   string   `toml:"mirrors_url"`
	Timeout      duration `toml:"timeout"`
}

// duration reads "5s"-style TOML strings.
type duration struct{ time.Duration }

func (d *duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	d.Duration = v
	return err
}

// defaultConfigPath is $XDG_CONFIG_HOME/gavel/config.toml.
func defaultConfigPath() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "gavel", "config.toml")
}

// defaultStateDir is $XDG_STATE_HOME/gavel (journals live there).
func defaultStateDir() string {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "gavel")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "state", "gavel")
	}
	return ""
}

// loadConfig reads path. A missing file is not an error when the path was
// not asked for explicitly (found=false then).
func loadConfig(path string, explicit bool) (cfg config, found bool, err error) {
	if path == "" {
		return cfg, false, nil
	}
	md, err := toml.DecodeFile(path, &cfg)
	if errors.Is(err, fs.ErrNotExist) && !explicit {
		return config{}, false, nil
	}
	if err != nil {
		return config{}, false, fmt.Errorf("config %s: %w", path, err)
	}
	if undec := md.Undecoded(); len(undec) > 0 {
		keys := make([]string, len(undec))
		for i, k := range undec {
			keys[i] = k.String()
		}
		return config{}, false, fmt.Errorf("config %s: unknown keys: %s", path, strings.Join(keys, ", "))
	}
	if err := cfg.expandHome(); err != nil {
		return config{}, false, fmt.Errorf("config %s: %w", path, err)
	}
	if mb := cfg.ScrollbackMB; mb != nil && (*mb < 1 || *mb > 1<<20) {
		return config{}, false, fmt.Errorf("config %s: scrollback_mb = %d: want 1 to %d (MiB of scrollback across all windows)", path, *mb, 1<<20)
	}
	return cfg, true, nil
}

// scrollback is the console's scrollback budget in bytes (0: the default).
func (c config) scrollback() int64 {
	if c.ScrollbackMB == nil {
		return 0
	}
	return int64(*c.ScrollbackMB) << 20
}

// expandHome expands a leading "~" or "~user" in the file's paths, as a
// shell would (the README's own examples use "~/...").
func (c *config) expandHome() error {
	for _, p := range []*string{&c.TLSCAFile, &c.TLSCertFile, &c.TLSKeyFile, &c.SASLPasswordFile,
		&c.Archive, &c.JournalDir, &c.ThemeFile,
		&c.Matrix.PasswordFile, &c.Matrix.AccessTokenFile, &c.Matrix.StateDir} {
		v, err := expandHome(*p)
		if err != nil {
			return err
		}
		*p = v
	}
	return nil
}

// expandHome expands "~" and "~/..." to the home directory and "~user/..."
// to user's.
func expandHome(path string) (string, error) {
	if !strings.HasPrefix(path, "~") {
		return path, nil
	}
	name, rest, _ := strings.Cut(path[1:], "/")
	var home string
	if name == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("%s: cannot expand ~: %w", path, err)
		}
		home = h
	} else {
		u, err := user.Lookup(name)
		if err != nil {
			return "", fmt.Errorf("%s: cannot expand ~%s: %w", path, name, err)
		}
		home = u.HomeDir
	}
	return filepath.Join(home, rest), nil
}

// ircConfig turns the file's settings into the connection's, reading the
// SASL password from its environment variable or file; warn is told when
// the password file can be read by other users.
func (c config) ircConfig(getenv func(string) string, warn func(string)) (ircclient.Config, error) {
	ic := ircclient.DefaultConfig()
	ic.Server, ic.Port = c.Server, c.Port
	if c.TLS != nil {
		ic.TLS = *c.TLS
	}
	ic.TLSCAFile, ic.TLSCertFile, ic.TLSKeyFile = c.TLSCAFile, c.TLSCertFile, c.TLSKeyFile
	ic.Nick, ic.AltNicks, ic.Channels = c.Nick, c.AltNicks, c.Channels
	if c.RealName != "" {
		ic.RealName = c.RealName
	}
	if c.SendBurst > 0 {
		ic.SendBurst = c.SendBurst
	}
	if c.SendRate > 0 {
		ic.SendRate = c.SendRate
	}
	if c.SASLAccount != "" {
		ic.SASLAccount = c.SASLAccount
		switch {
		case c.SASLPasswordEnv != "":
			ic.SASLPassword = getenv(c.SASLPasswordEnv)
			if ic.SASLPassword == "" {
				return ic, fmt.Errorf("sasl: environment variable %s is empty or unset", c.SASLPasswordEnv)
			}
		case c.SASLPasswordFile != "":
			b, err := os.ReadFile(c.SASLPasswordFile)
			if err != nil {
				return ic, fmt.Errorf("sasl: password file: %w", err)
			}
			if st, err := os.Stat(c.SASLPasswordFile); err == nil && st.Mode().Perm()&0o044 != 0 && warn != nil {
				warn(fmt.Sprintf("warning: the SASL password file %s can be read by other users (mode %04o): chmod 600 %s",
					c.SASLPasswordFile, st.Mode().Perm(), c.SASLPasswordFile))
			}
			ic.SASLPassword = strings.TrimRight(string(b), "\r\n")
		default:
			return ic, errors.New("sasl: sasl_account is set but neither sasl_password_env nor sasl_password_file is")
		}
	}
	return ic, ic.Validate()
}
