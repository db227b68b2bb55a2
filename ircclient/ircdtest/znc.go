package ircdtest

import (
	"context"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// ZNCOptions configures StartZNC.
type ZNCOptions struct {
	Nick       string   // the nick ZNC uses on the server (default "chair")
	Channels   []string // channels ZNC keeps joined and buffers
	BufferSize int      // lines buffered per channel (default 500)
	// KeepBuffer keeps a channel's buffer after playing it back
	// (AutoClearChanBuffer off): every client that attaches gets it all.
	KeepBuffer bool
}

// ZNC is a running ZNC bouncer (Debian's znc) connected to a Server. It
// buffers channel lines while no client is attached and plays them back to
// the next client that attaches, in a BATCH of type znc.in/playback with
// server-time tags when the client has those caps.
type ZNC struct {
	Port     int    // client listener on 127.0.0.1 (plain text)
	User     string // ZNC user
	Network  string // ZNC network of that user
	Password string
	Nick     string // ZNC's nick on the server
	Dir      string // the data directory (configs/znc.conf, znc.out)

	cmd *exec.Cmd
}

// Addr is host:port of ZNC's client listener.
func (z *ZNC) Addr() string { return net.JoinHostPort(Host, strconv.Itoa(z.Port)) }

// ServerPassword is what a client sends as PASS to attach to the network:
// "user/network:password".
func (z *ZNC) ServerPassword() string { return z.User + "/" + z.Network + ":" + z.Password }

// StartZNC starts ZNC in front of upstream and waits until ZNC's nick is
// in every channel of opt.Channels (about 1 s: InspIRCd registers clients
// on its 1-second tick). The config file is written here (znc --makeconf
// is interactive); the data directory is a t.TempDir; ZNC is killed in
// cleanup. ZNC sleeps 30 s before starting when run as root, even with
// --allow-root, so as root it runs as the user nobody.
func StartZNC(tb testing.TB, upstream *Server, opt ZNCOptions) *ZNC {
	tb.Helper()
	Require(tb, "znc")
	if opt.Nick == "" {
		opt.Nick = "chair"
	}
	if opt.BufferSize <= 0 {
		opt.BufferSize = 500
	}
	z := &ZNC{Port: FreePort(tb), User: "gavel", Network: "test", Password: "znc-pass-1", Nick: opt.Nick, Dir: tb.TempDir()}
	var chans strings.Builder
	for _, ch := range opt.Channels {
		fmt.Fprintf(&chans, "\t\t<Chan %s>\n\t\t</Chan>\n", ch)
	}
	conf := fmt.Sprintf(`Version = 1.8.2
ConnectDelay = 0
ServerThrottle = 0
<Listener l>
	Host = %s
	Port = %d
	IPv4 = true
	IPv6 = false
	SSL = false
</Listener>
<User %s>
	Pass = plain#%s
	Nick = %s
	AltNick = %s_
	Ident = %s
	RealName = gavel test bouncer
	AutoClearChanBuffer = %t
	AutoClearQueryBuffer = true
	ChanBufferSize = %d
	<Network %s>
		Server = %s %d
%s	</Network>
</User>
`, Host, z.Port, z.User, z.Password, opt.Nick, opt.Nick, opt.Nick, !opt.KeepBuffer, opt.BufferSize, z.Network, Host, upstream.Port, chans.String())
	if err := os.MkdirAll(filepath.Join(z.Dir, "configs"), 0o700); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(z.Dir, "configs", "znc.conf"), []byte(conf), 0o600); err != nil {
		tb.Fatal(err)
	}
	out, err := os.Create(filepath.Join(z.Dir, "znc.out"))
	if err != nil {
		tb.Fatal(err)
	}
	z.cmd = exec.Command("znc", "--foreground", "--datadir", z.Dir)
	z.cmd.Stdout, z.cmd.Stderr = out, out
	if os.Geteuid() == 0 {
		cred, err := unprivileged(z.Dir)
		if err != nil {
			out.Close()
			tb.Fatalf("ircdtest: znc as nobody: %v", err)
		}
		z.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	if err := z.cmd.Start(); err != nil {
		out.Close()
		tb.Fatalf("ircdtest: start znc: %v", err)
	}
	exited := make(chan struct{})
	go func() { z.cmd.Wait(); out.Close(); close(exited) }()
	tb.Cleanup(func() {
		z.cmd.Process.Kill()
		<-exited
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := z.waitUpstream(ctx, upstream, opt.Channels, exited); err != nil {
		b, _ := os.ReadFile(filepath.Join(z.Dir, "znc.out"))
		tb.Fatalf("ircdtest: znc: %v\n%s", err, b)
	}
	return z
}

// unprivileged returns the credentials of the user nobody and lets that
// user use dir: dir is handed over, and the directories above it that the
// test created (inside os.TempDir) become traversable.
func unprivileged(dir string) (*syscall.Credential, error) {
	uid, gid := 65534, 65534
	if u, err := user.Lookup("nobody"); err == nil {
		uid, _ = strconv.Atoi(u.Uid)
		gid, _ = strconv.Atoi(u.Gid)
	}
	err := filepath.WalkDir(dir, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, uid, gid)
	})
	if err != nil {
		return nil, err
	}
	tmp := filepath.Clean(os.TempDir())
	for d := filepath.Dir(dir); strings.HasPrefix(d, tmp+string(filepath.Separator)); d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return nil, err
		}
		if fi.Mode().Perm()&0o001 == 0 {
			if err := os.Chmod(d, fi.Mode().Perm()|0o711); err != nil {
				return nil, err
			}
		}
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, nil
}

// waitUpstream waits until ZNC listens and its nick is in every channel,
// asking the server with NAMES (bounded by ctx).
func (z *ZNC) waitUpstream(ctx context.Context, upstream *Server, channels []string, exited <-chan struct{}) error {
	for {
		c, err := net.DialTimeout("tcp", z.Addr(), 100*time.Millisecond)
		if err == nil {
			c.Close()
			break
		}
		select {
		case <-exited:
			return fmt.Errorf("exited before listening on %s", z.Addr())
		case <-ctx.Done():
			return fmt.Errorf("not listening on %s: %w", z.Addr(), ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
	if len(channels) == 0 {
		return nil
	}
	probe, err := Dial(ctx, upstream.Addr(), "zncprobe")
	if err != nil {
		return err
	}
	defer probe.Close()
	for _, ch := range channels {
		for {
			if err := probe.Send("NAMES " + ch); err != nil {
				return err
			}
			in := false
			for {
				l, err := probe.ReadLine()
				if err != nil {
					return fmt.Errorf("waiting for %s in %s: %w", z.Nick, ch, err)
				}
				if cmdOf(l) == "353" {
					names := strings.Fields(l[strings.LastIndex(l, ":")+1:])
					in = in || slices.ContainsFunc(names, func(n string) bool { return strings.TrimLeft(n, "@%+~&") == z.Nick })
				}
				if cmdOf(l) == "366" {
					break
				}
			}
			if in {
				break
			}
			select {
			case <-exited:
				return fmt.Errorf("exited before joining %s", ch)
			case <-ctx.Done():
				return fmt.Errorf("%s not in %s: %w", z.Nick, ch, ctx.Err())
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
	return nil
}

// Barrier returns once ZNC has read every line the server sent it before
// lc's call: lc sends ZNC's nick a CTCP PING, which ZNC answers itself
// while no client is attached, after the lines before it. Use it to know
// that lines said in a channel are in ZNC's buffer.
func (z *ZNC) Barrier(lc *LineClient) error {
	token := strconv.FormatInt(time.Now().UnixNano(), 10)
	if err := lc.Send("PRIVMSG " + z.Nick + " :\x01PING " + token + "\x01"); err != nil {
		return err
	}
	_, err := lc.WaitFor(func(l string) bool {
		return cmdOf(l) == "NOTICE" && strings.Contains(l, "PING "+token)
	})
	return err
}
