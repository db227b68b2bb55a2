package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gavel/backend"
	"gavel/ircclient"
	"gavel/meeting"
	"gavel/meeting/live"
	"gavel/meeting/live/multinet"
	"gavel/meeting/publish"
	"gavel/tui"
)

// consoleFlags are the flags of the console (`gavel [flags]`).
type consoleFlags struct {
	config, server, nick, channels, archive, urlPrefix, style, theme, logFile string
	port                                                                      int
	noTLS, headless, offline, demo                                            bool
	bus                                                                       busFlags
}

func runConsole(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var f consoleFlags
	fs := flag.NewFlagSet("gavel", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.config, "config", "", "configuration file (default $XDG_CONFIG_HOME/gavel/config.toml)")
	fs.StringVar(&f.server, "server", "", "IRC server host name")
	fs.IntVar(&f.port, "port", 0, "IRC server port (default 6697 with TLS, 6667 without)")
	fs.BoolVar(&f.noTLS, "no-tls", false, "connect without TLS")
	fs.StringVar(&f.nick, "nick", "", "nick name")
	fs.StringVar(&f.channels, "channels", "", "comma-separated channels to join")
	fs.StringVar(&f.archive, "archive", "", "directory the minutes are published under")
	fs.StringVar(&f.urlPrefix, "url-prefix", "", "public URL prefix of the archive")
	fs.StringVar(&f.style, "style", "", "minutes style: default or zodbot")
	fs.StringVar(&f.theme, "theme", "", "theme: dark, light, high-contrast or auto")
	fs.BoolVar(&f.headless, "headless", false, "run without a screen: the same meeting core, reports on stderr")
	fs.BoolVar(&f.offline, "offline", false, "answer lookups from the built-in snapshot only")
	fs.BoolVar(&f.demo, "demo", false, "open the offline demo even when a server is configured")
	fs.StringVar(&f.logFile, "log", "", "write gavel's own log (log/slog) to this file")
	f.bus.register(fs)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage, "\nConsole flags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		return consoleArgsError(stderr, fs.Args())
	}
	if err := f.bus.check(); err != nil {
		fmt.Fprintln(stderr, "gavel:", err)
		return 2
	}
	path, explicit := f.config, f.config != ""
	if !explicit {
		path = defaultConfigPath()
	}
	cfg, _, err := loadConfig(path, explicit)
	if err != nil {
		fmt.Fprintln(stderr, "gavel:", err)
		return 1
	}
	f.apply(&cfg)
	logger, closeLog, err := openLog(f.logFile)
	if err != nil {
		fmt.Fprintln(stderr, "gavel:", err)
		return 1
	}
	defer closeLog()

	demo := (cfg.Server == "" && !cfg.Matrix.enabled()) || f.demo
	router, err := consoleRouter(cfg, demo, logger)
	if err != nil {
		fmt.Fprintln(stderr, "gavel:", err)
		return 1
	}
	style, ok := meeting.ParseStyle(cfg.Style)
	if !ok {
		fmt.Fprintf(stderr, "gavel: unknown style %q (want default or zodbot)\n", cfg.Style)
		return 2
	}
	opts := tui.Options{Router: router, Theme: cfg.Theme, ThemeFile: cfg.ThemeFile, Style: style, Context: ctx}
	opts.NoBell = cfg.Bell != nil && !*cfg.Bell
	// Headless keeps no scrollback: nobody reads it.
	opts.Scrollback, opts.NoScrollback = cfg.scrollback(), f.headless

	if demo {
		// No server configured: the offline demo replays the seed meeting.
		m, err := tui.NewSeedDemo(tui.DemoOptions{Options: opts, QuitWhenDone: f.headless})
		if err != nil {
			fmt.Fprintln(stderr, "gavel:", err)
			return 1
		}
		_, err = tui.Run(ctx, m, f.headless)
		return exitCode(stderr, err)
	}
	return runLive(ctx, cfg, f.headless, opts, logger, stderr)
}

// apply lets flags override the file.
func (f consoleFlags) apply(c *config) {
	over(&c.Server, f.server)
	over(&c.Nick, f.nick)
	over(&c.Archive, f.archive)
	over(&c.URLPrefix, f.urlPrefix)
	over(&c.Style, f.style)
	over(&c.Theme, f.theme)
	over(&c.Port, f.port)
	if f.noTLS {
		off := false
		c.TLS = &off
	}
	if f.channels != "" {
		c.Channels = strings.Split(f.channels, ",")
	}
	if f.offline {
		c.Offline = true
	}
	f.bus.apply(&c.Bus)
}

// network is the chat network of a live run as the live driver and the
// console see it (live.Network), and what the wiring needs besides: how to
// run its connection, where it is, our nick and the channels to join.
type network struct {
	live.Network
	run      func(ctx context.Context) error
	server   string
	nick     string
	channels []string
	owns     func(name string) bool // the channel and user names that are this network's
	matrix   *live.Matrix           // the Matrix adapter (nil on IRC)
}

// ircNetwork is the IRC network of the configuration, through the live
// driver's IRC adapter. code is the exit code of an error.
func ircNetwork(cfg config, logger *slog.Logger, stderr io.Writer) (n *network, code int, err error) {
	ic, err := cfg.ircConfig(os.Getenv, func(warning string) { fmt.Fprintln(stderr, "gavel:", warning) })
	if err != nil {
		return nil, 2, err
	}
	client, err := ircclient.New(ic, logger)
	if err != nil {
		return nil, 1, err
	}
	return &network{Network: live.NewIRC(client), run: client.Run, server: ic.Addr(), nick: ic.Nick, channels: ic.Channels,
		owns: multinet.IRCNames}, 0, nil
}

// networks are the networks of the configuration: IRC when a server is
// configured, Matrix when an account is, both through one multinet.Multi
// (a channel or room goes to its own network by its name's form). A
// network's fatal error is said on stderr as it happens in a headless run
// with both (the other goes on), else once the run ends.
func networks(cfg config, headless bool, logger *slog.Logger, stderr io.Writer) (n *network, code int, err error) {
	var nets []*network
	if cfg.Server != "" {
		irc, code, err := ircNetwork(cfg, logger, stderr)
		if err != nil {
			return nil, code, err
		}
		nets = append(nets, irc)
	}
	if cfg.Matrix.enabled() {
		mx, code, err := matrixNetwork(cfg, logger, stderr)
		if err != nil {
			return nil, code, err
		}
		nets = append(nets, mx)
	}
	switch len(nets) {
	case 0:
		return nil, 2, errors.New("no IRC server and no [matrix] account configured")
	case 1:
		return nets[0], 0, nil
	}
	members := make([]multinet.Member, len(nets))
	servers := make([]string, len(nets))
	both := &network{nick: nets[0].nick, matrix: nets[len(nets)-1].matrix}
	for i, n := range nets {
		members[i] = multinet.Member{Network: n.Network, Owns: n.owns}
		servers[i] = n.server
		both.channels = append(both.channels, n.channels...)
	}
	both.Network, both.server = multinet.New(members...), strings.Join(servers, " + ")
	both.run = func(ctx context.Context) error {
		errs := make(chan error, len(nets))
		for _, n := range nets {
			go func() { errs <- n.run(ctx) }()
		}
		var fatal []error
		for range nets {
			err := <-errs
			if err == nil || errors.Is(err, context.Canceled) {
				continue
			}
			if headless && ctx.Err() == nil {
				fmt.Fprintln(stderr, "gavel: fatal:", oneLine(err.Error()))
				err = saidError{err}
			}
			fatal = append(fatal, err)
		}
		return errors.Join(fatal...)
	}
	return both, 0, nil
}

// saidError is a fatal error already said on stderr.
type saidError struct{ error }

func (e saidError) Unwrap() error { return e.error }

func runLive(ctx context.Context, cfg config, headless bool, opts tui.Options, logger *slog.Logger, stderr io.Writer) int {
	net, code, err := networks(cfg, headless, logger, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "gavel:", err)
		return code
	}
	archive := cfg.Archive
	if archive == "" {
		archive = "minutes"
	}
	journalDir := cfg.JournalDir
	if journalDir == "" {
		where := cfg.Server
		if where == "" {
			where = accountDir(cfg.Matrix.UserID) // Matrix alone
		}
		journalDir = filepath.Join(defaultStateDir(), "journal", meeting.ChannelDir(where))
	}
	mbus, err := openBus(cfg.Bus, cfg.URLPrefix, journalDir, headless, logger, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "gavel:", err)
		return 1
	}
	defer mbus.Close()
	disp, err := openDispatch(cfg, journalDir, headless, logger, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "gavel:", err)
		return 1
	}
	if disp != nil {
		defer disp.Close()
		opts.Dispatch = disp
	}
	// One archive: the controller publishes into it, the chair's tools
	// read the previous meetings from it.
	arch := publish.New(archive, opts.Style, cfg.URLPrefix)
	lc := live.Config{
		Archive: arch, JournalDir: journalDir,
		BindAccounts: cfg.BindChairs, Network: net.Network, Logger: logger, Lookups: opts.Router,
		Bus: liveBus(mbus, disp), Chair: chairConfig(cfg, arch, opts.Router, logger),
	}
	if net.matrix != nil {
		// Checked with the rest of the table (clientConfig).
		lc.Dialect, _ = cfg.Matrix.dialects()
		lc.Moderator = live.PowerLevelChairs(net.matrix, cfg.Matrix.ChairPowerLevel)
	}
	ctrl, err := live.New(lc)
	if err != nil {
		fmt.Fprintln(stderr, "gavel:", err)
		return 1
	}
	defer ctrl.Close()
	if headless {
		// stderr says what happens, one line each; interrupted meetings
		// come back (and say so) before the connection is up.
		r := &reporter{Controller: ctrl, w: stderr}
		resumed := r.updates(ctrl.Resume(net.channels...))
		return runNetwork(ctx, net, stderr, true, func(ctx context.Context) error {
			driveHeadless(ctx, net, r, resumed)
			return nil
		})
	}
	var glue tui.Glue = ctrl
	// In the console a channel's interrupted meeting comes back as gavel
	// joins it (before its first live line), and says so in its window.
	opts.Network, opts.Glue = net.Network, glue // the /minutes preview takes the archive's style and URL prefix from the live driver
	if mbus.Outbox != nil {
		opts.BusWaiting = func() int { return mbus.Status().Waiting }
	}
	opts.Server, opts.Nick, opts.Channels = net.server, net.nick, net.channels
	m, err := tui.New(opts)
	if err != nil {
		fmt.Fprintln(stderr, "gavel:", err)
		return 1
	}
	return runNetwork(ctx, net, stderr, false, func(ctx context.Context) error {
		_, err := tui.Run(ctx, m, false)
		return err
	})
}

// runNetwork runs the network's connection beside the presenter (the
// console, or headless mode's Drive) until the presenter returns; a fatal
// error of the connection ends a headless run at once. It returns the exit
// code.
func runNetwork(ctx context.Context, net *network, stderr io.Writer, headless bool, present func(context.Context) error) int {
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		err := net.run(runCtx)
		done <- err
		if err != nil && headless {
			cancel() // a fatal error (SASL, no usable nick, TLS mismatch…) ends a headless run at once
		}
	}()
	err := present(runCtx)
	cancel()
	select {
	case cerr := <-done:
		if cerr != nil && !errors.Is(cerr, context.Canceled) {
			for _, e := range unjoin(cerr) {
				if _, said := e.(saidError); !said {
					fmt.Fprintln(stderr, "gavel: fatal:", oneLine(e.Error()))
				}
			}
			return 1
		}
	case <-time.After(5 * time.Second):
	}
	return exitCode(stderr, err)
}

// unjoin is the errors an errors.Join holds, or err alone.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// oneLine joins an error's lines (a server's text may hold anything).
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// consoleRouter is the console's lookup router: the offline demo's
// answers from the snapshot alone, it never goes to the network.
func consoleRouter(cfg config, demo bool, logger *slog.Logger) (*backend.Router, error) {
	if demo {
		cfg.Offline = true
	}
	return newRouter(cfg, logger)
}

func newRouter(cfg config, logger *slog.Logger) (*backend.Router, error) {
	b := cfg.Backend
	return backend.New(backend.Config{
		FASURL: b.FASURL, DistGitURL: b.DistGitURL, MdapiURL: b.MdapiURL, LookasideURL: b.LookasideURL,
		MirrorsURL: b.MirrorsURL, Offline: cfg.Offline, Timeout: b.Timeout.Duration, Logger: logger,
		Prefix: cfg.LookupPrefix, // the router's alone: it decides what a channel lookup is
	})
}

// openLog sends gavel's own slog output to a file; without one it is
// discarded, since the terminal belongs to the console.
func openLog(path string) (*slog.Logger, func(), error) {
	if path == "" {
		return slog.New(slog.DiscardHandler), func() {}, nil
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("log %s: %w", path, err)
	}
	return slog.New(slog.NewTextHandler(f, nil)), func() { f.Close() }, nil
}

// exitCode reports how the console ended: 0, or 1 with the error said.
func exitCode(stderr io.Writer, err error) int {
	if err != nil {
		fmt.Fprintln(stderr, "gavel:", err)
		return 1
	}
	return 0
}
