// Package backend answers account, package and mirror lookups for gavel
// through one Router used by both the console ("/fas nirik", as a table in
// a result pane or as JSON) and the channel (".fas nirik", answered in
// zodbot's words). It talks to the live services (FASJSON, dist-git,
// mdapi, the lookaside cache, MirrorManager) and falls back to the embedded
// offline snapshot when they do not answer in time; every result says
// which source answered.
//
// The HTTP clients live in the subpackages fas, pkgs and mirrors; fetch
// holds their shared plumbing, snapshot the replay of recorded answers,
// offline the embedded snapshot and cli the "gavel lookup" command.
package backend

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"gavel/backend/fas"
	"gavel/backend/fetch"
	"gavel/backend/mirrors"
	"gavel/backend/offline"
	"gavel/backend/pkgs"
)

// Sources named in results.
const (
	SourceLive    = "live"
	SourceOffline = "offline snapshot"
)

// Config configures a Router. The zero value talks to the production
// services with a 5 s timeout and falls back to the offline snapshot.
type Config struct {
	FASURL       string // default fas.DefaultBaseURL
	DistGitURL   string // default pkgs.DefaultDistGitURL
	MdapiURL     string // default pkgs.DefaultMdapiURL
	LookasideURL string // default pkgs.DefaultLookasideURL
	MirrorsURL   string // default mirrors.DefaultBaseURL

	// Offline answers every lookup from the embedded snapshot.
	Offline bool
	// NoFallback turns off the automatic fallback to the snapshot when a
	// live service does not answer.
	NoFallback bool
	// Timeout bounds each HTTP attempt (default 5 s).
	Timeout time.Duration
	// TTL is how long answers are cached (default 5 minutes).
	TTL time.Duration
	// MaxBody caps response bodies (default 4 MiB).
	MaxBody int64
	// Transport carries live requests (default: a clone of
	// http.DefaultTransport).
	Transport http.RoundTripper

	// Prefix is the channel command character (default ".").
	Prefix string
	// LineBytes is the text budget of a channel reply line, nick prefix
	// included (default DefaultLineBytes; see LineBudget).
	LineBytes int
	// MaxLines caps the lines of one channel reply (default 3).
	MaxLines int

	// Now is the clock for .localtime (default time.Now).
	Now    func() time.Time
	Logger *slog.Logger
}

// Result is a lookup answer: a table for the console pane and for --json,
// plus the zodbot-format reply lines (without the "nick: " prefix).
type Result struct {
	Command string     `json:"command"`
	Args    []string   `json:"args"`
	Title   string     `json:"title"`
	Columns []string   `json:"columns"`
	Rows    [][]string `json:"rows"`
	Reply   []string   `json:"reply"`
	// Source is SourceLive or SourceOffline.
	Source string `json:"source"`
	// Note explains a fallback ("FASJSON timed out after 5s; answered
	// from the offline snapshot of 2025-05-20").
	Note string `json:"note,omitempty"`
}

type services struct {
	fas     *fas.Client
	pkgs    *pkgs.Client
	mirrors *mirrors.Client
}

// Router runs lookups. It is safe for concurrent use.
type Router struct {
	cfg  Config
	snap *offline.Snapshot
	live *services
	off  *services
	cmds map[string]*command
	// results caches whole answers, so a repeated lookup skips formatting
	// too; the clients below keep their own caches of raw answers.
	results *fetch.Cache[Result]
}

// New builds a Router.
func New(cfg Config) (*Router, error) {
	if cfg.Prefix == "" {
		cfg.Prefix = "."
	}
	if cfg.LineBytes <= 0 {
		cfg.LineBytes = DefaultLineBytes
	}
	if cfg.MaxLines <= 0 {
		cfg.MaxLines = 3
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	snap, err := offline.Load()
	if err != nil {
		return nil, fmt.Errorf("backend: %w", err)
	}
	r := &Router{cfg: cfg, snap: snap}
	mk := func(service string, rt http.RoundTripper) *fetch.Client {
		return fetch.New(fetch.Options{Service: service, Timeout: cfg.Timeout, MaxBody: cfg.MaxBody,
			Transport: rt, Logger: cfg.Logger})
	}
	build := func(rt http.RoundTripper, c Config) *services {
		return &services{
			fas: fas.New(mk("fas", rt), fas.Options{BaseURL: c.FASURL, TTL: cfg.TTL}),
			pkgs: pkgs.New(mk("pkgs", rt), pkgs.Options{DistGitURL: c.DistGitURL, MdapiURL: c.MdapiURL,
				LookasideURL: c.LookasideURL, TTL: cfg.TTL}),
			mirrors: mirrors.New(mk("mirrors", rt), mirrors.Options{BaseURL: c.MirrorsURL, TTL: cfg.TTL,
				HostCountry: snap.HostCountry(), Logger: cfg.Logger}),
		}
	}
	// The snapshot answers for the production URLs it recorded.
	r.off = build(snap.Transport(), Config{})
	if !cfg.Offline {
		r.live = build(cfg.Transport, cfg)
	}
	r.cmds = commandTable()
	ttl := cfg.TTL
	if ttl == 0 {
		ttl = 5 * time.Minute
	}
	r.results = fetch.NewCache[Result](ttl, 0, cfg.Now)
	return r, nil
}

// Offline reports whether the router never goes to the network.
func (r *Router) Offline() bool { return r.live == nil }

// Users lists account names from the offline snapshot, for completion.
func (r *Router) Users() []string { return r.snap.Users() }

// Packages lists package names from the offline snapshot, for completion.
func (r *Router) Packages() []string { return r.snap.Packages() }

// CommandInfo describes a command for help and completion.
type CommandInfo struct {
	Name  string `json:"name"`
	Usage string `json:"usage"` // "fas <name or text>"
	Help  string `json:"help"`
	// Completes says which names complete the first argument: "users",
	// "packages", or "".
	Completes string `json:"completes,omitempty"`
}

// Commands lists the commands, sorted by name.
func (r *Router) Commands() []CommandInfo {
	var out []CommandInfo
	for name, c := range r.cmds {
		out = append(out, CommandInfo{Name: name, Usage: name + " " + c.usage, Help: c.help, Completes: c.completes})
	}
	slices.SortFunc(out, func(a, b CommandInfo) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Lookup runs one command ("fas", "whoowns", ...; a leading "." or "/" is
// ignored) and returns its table. Failures are one-line errors such as
// "fas: no user named 'x'" or "pkgs: dist-git timed out after 5s".
func (r *Router) Lookup(ctx context.Context, cmd string, args []string) (Result, error) {
	name := strings.ToLower(strings.TrimLeft(cmd, "./!"))
	c, ok := r.cmds[name]
	if !ok {
		return Result{}, fmt.Errorf("unknown lookup %q (try: %s)", Clean(cut(cmd, 40)), strings.Join(r.names(), ", "))
	}
	if len(args) < c.min || c.max >= 0 && len(args) > c.max {
		return Result{}, fmt.Errorf("usage: %s %s", name, c.usage)
	}
	return r.do(ctx, name, c, args)
}

// do runs a command through the result cache (single-flight included).
// The returned Result has its own Args, Rows and Reply slices; the cells
// of Rows are shared with the cache and must not be modified.
func (r *Router) do(ctx context.Context, name string, c *command, args []string) (Result, error) {
	load := func(ctx context.Context) (Result, error) {
		res, err := r.run(ctx, c, args)
		if err != nil {
			return Result{}, err
		}
		res.Command, res.Args = name, slices.Clone(args)
		res.Title = Clean(res.Title)
		for _, row := range res.Rows {
			for i := range row {
				row[i] = Clean(row[i])
			}
		}
		return res, nil
	}
	var res Result
	var err error
	if c.volatile {
		res, err = load(ctx)
	} else {
		res, err = r.results.Get(ctx, name+"\x00"+strings.Join(args, "\x00"), load)
	}
	if err != nil {
		return Result{}, err
	}
	res.Args = slices.Clone(res.Args)
	res.Rows = slices.Clone(res.Rows)
	res.Reply = slices.Clone(res.Reply)
	return res, nil
}

func (r *Router) names() []string {
	var out []string
	for n := range r.cmds {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// run answers from the live services, falling back to the snapshot when
// they are unavailable (network failure, timeout, 5xx).
func (r *Router) run(ctx context.Context, c *command, args []string) (Result, error) {
	if r.live == nil {
		res, err := c.run(ctx, r.env(r.off), args)
		if err != nil {
			return Result{}, offlineErr(err)
		}
		res.Source = SourceOffline
		return res, nil
	}
	res, err := c.run(ctx, r.env(r.live), args)
	if err == nil {
		res.Source = SourceLive
		return res, nil
	}
	if r.cfg.NoFallback || !errors.Is(err, fetch.ErrUnavailable) || ctx.Err() != nil {
		return Result{}, err
	}
	r.cfg.Logger.Info("live lookup failed; trying the offline snapshot", "err", err)
	res, oerr := c.run(ctx, r.env(r.off), args)
	if oerr != nil {
		return Result{}, err
	}
	res.Source = SourceOffline
	res.Note = fmt.Sprintf("%s; answered from the offline snapshot of %s", err.Error(), r.snap.TakenAt().Format("2006-01-02"))
	return res, nil
}

// offlineErr says that a miss is a miss of the snapshot.
func offlineErr(err error) error {
	var fe *fetch.Error
	if errors.As(err, &fe) && fe.Kind == fetch.ErrNotFound {
		cp := *fe
		cp.Msg += " in the offline snapshot"
		return &cp
	}
	return err
}

func (r *Router) env(s *services) *env {
	e := &env{services: s, now: r.cfg.Now}
	if s == r.off {
		e.countries = r.snap.MirrorCountries
	}
	return e
}

// Channel answers a line said in a channel by nick. ok is false when the
// line is not one of the router's commands (the caller ignores it);
// otherwise replies holds one to a few lines, each "nick: ..." and within
// the configured byte budget. Failures are replied too, in one line.
func (r *Router) Channel(ctx context.Context, nick, line string) (replies []string, ok bool) {
	cmd, args, ok := ParseCommand(r.cfg.Prefix, line)
	if !ok {
		return nil, false
	}
	c, known := r.cmds[cmd]
	if !known {
		return nil, false
	}
	nick = Clean(nick)
	var lines []string
	if len(args) < c.min || c.max >= 0 && len(args) > c.max {
		lines = []string{"usage: " + r.cfg.Prefix + cmd + " " + c.usage}
	} else if res, err := r.do(ctx, cmd, c, args); err != nil {
		lines = []string{channelErr(c, args, err)}
	} else {
		lines = slices.Clone(res.Reply)
		if res.Source == SourceOffline && len(lines) > 0 {
			// Said in the channel too, not only in the console's pane.
			lines[len(lines)-1] += " " + r.OfflineNote()
		}
	}
	return r.address(nick, lines), true
}

// OfflineNote is what an answer from the offline snapshot says of itself
// in a channel: "(offline snapshot of 2025-01-10)".
func (r *Router) OfflineNote() string {
	return "(offline snapshot of " + r.snap.TakenAt().Format("2006-01-02") + ")"
}

// ChannelCommand reports whether a line said in a channel asks for one of
// the router's commands, with the router's prefix, and which. It does no
// I/O: the live controller asks it about every channel line, and the
// lookup itself (Channel) runs off the UI goroutine.
func (r *Router) ChannelCommand(line string) (cmd string, args []string, ok bool) {
	cmd, args, ok = ParseCommand(r.cfg.Prefix, line)
	if !ok {
		return "", nil, false
	}
	if _, known := r.cmds[cmd]; !known {
		return "", nil, false
	}
	return cmd, args, true
}

// address prefixes lines with "nick: ", fits each in the byte budget and
// caps their number.
func (r *Router) address(nick string, lines []string) []string {
	if len(lines) == 0 {
		lines = []string{"(no answer)"}
	}
	prefix := nick + ": "
	budget := r.cfg.LineBytes
	var out []string
	for i, l := range lines {
		if i == r.cfg.MaxLines-1 && len(lines) > r.cfg.MaxLines {
			out = append(out, cut(prefix+fmt.Sprintf("… and %d more lines", len(lines)-i), budget))
			break
		}
		out = append(out, cut(prefix+l, budget))
	}
	return out
}

// channelErr turns an error into the reply zodbot gives, or a one-line
// error message for failures zodbot had no words for.
func channelErr(c *command, args []string, err error) string {
	if errors.Is(err, fetch.ErrNotFound) && c.notFound != nil {
		return c.notFound(args)
	}
	return Clean(err.Error())
}

// ParseCommand splits a channel line such as ".fas nirik" into its command
// (lower case, without the prefix) and arguments. ok is false when the line
// does not start with prefix followed by a command word.
func ParseCommand(prefix, line string) (cmd string, args []string, ok bool) {
	line = strings.TrimRight(line, "\r\n")
	if prefix == "" || !strings.HasPrefix(line, prefix) {
		return "", nil, false
	}
	f := strings.Fields(line[len(prefix):])
	if len(f) == 0 || len(f[0]) > 32 || !isWord(f[0]) || len(line) > IRCLineMax {
		return "", nil, false
	}
	if len(f) > 17 {
		f = f[:17]
	}
	return strings.ToLower(f[0]), f[1:], true
}

func isWord(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return s != ""
}
