package dendritetest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// postgres is a throwaway PostgreSQL cluster for one Dendrite: its own
// data directory, listening on a random loopback port, with a database
// "dendrite" that the user "dendrite" may use without a password.
type postgres struct {
	dir  string // data directory, log and socket
	port int
	cmd  *exec.Cmd
	done chan struct{}
}

// dsn is the connection string Dendrite's config takes.
func (p *postgres) dsn() string {
	return fmt.Sprintf("postgres://dendrite@%s/dendrite?sslmode=disable", net.JoinHostPort(Host, strconv.Itoa(p.port)))
}

// postgresBinDir is the newest /usr/lib/postgresql/N/bin holding initdb
// (Debian's layout; .ci/run installs the postgresql package).
func postgresBinDir() (string, error) {
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	slices.SortFunc(found, func(a, b string) int {
		va, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(a))))
		vb, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(b))))
		return va - vb
	})
	if len(found) == 0 {
		return "", errors.New("no PostgreSQL server (/usr/lib/postgresql/*/bin/initdb; Debian's postgresql package)")
	}
	return filepath.Dir(found[len(found)-1]), nil
}

// startPostgres makes and starts a cluster, stopped and removed in
// tb's cleanup. PostgreSQL refuses to run as root: as root, the cluster
// belongs to the postgres user (or nobody) and runs as that user.
func startPostgres(tb testing.TB) *postgres {
	tb.Helper()
	bin, err := postgresBinDir()
	if err != nil {
		unavailable(tb, err)
	}
	// Not t.TempDir: its parent is private to root, and the server's user
	// must reach its directory.
	dir, err := os.MkdirTemp("", "gavel-postgres-")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	cred, err := postgresCredential()
	if err != nil {
		tb.Fatal(err)
	}
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			tb.Fatalf("dendritetest: %v", err)
		}
	}
	command := func(name string, args ...string) *exec.Cmd {
		cmd := exec.Command(filepath.Join(bin, name), args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "LC_ALL=C")
		if cred != nil {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		}
		return cmd
	}
	run := func(cmd *exec.Cmd) error {
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s: %v\n%s", filepath.Base(cmd.Path), err, out.Bytes())
		}
		return nil
	}
	data := filepath.Join(dir, "data")
	if err := run(command("initdb", "-D", data, "--no-sync", "-A", "trust", "-U", "dendrite", "-E", "UTF8", "--locale=C")); err != nil {
		tb.Fatalf("dendritetest: %v", err)
	}
	p := &postgres{dir: dir}
	tb.Cleanup(p.stop)
	for attempt := 0; ; attempt++ {
		p.port = FreePort(tb)
		out, err := os.OpenFile(filepath.Join(dir, "postgres.out"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			tb.Fatal(err)
		}
		// A test's database: no fsync, and connections enough for
		// Dendrite's pool (90) and the tools.
		cmd := command("postgres", "-D", data, "-h", Host, "-p", strconv.Itoa(p.port), "-k", dir,
			"-F", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=150")
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			out.Close()
			tb.Fatalf("dendritetest: start postgres: %v", err)
		}
		p.cmd, p.done = cmd, make(chan struct{})
		go func(done chan struct{}) { cmd.Wait(); out.Close(); close(done) }(p.done)
		// createdb also tells when the server answers.
		var createErr error
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			select {
			case <-p.done:
				createErr = errors.New("postgres exited while starting")
			default:
				createErr = run(command("createdb", "-h", Host, "-p", strconv.Itoa(p.port), "-U", "dendrite", "dendrite"))
			}
			if createErr == nil || p.exited() {
				break
			}
		}
		if createErr == nil {
			return p
		}
		p.stop()
		if attempt >= 2 {
			b, _ := os.ReadFile(filepath.Join(dir, "postgres.out"))
			tb.Fatalf("dendritetest: %v\n%s", createErr, tail(b, 4000))
		}
	}
}

func (p *postgres) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop ends the server at once (SIGQUIT: immediate shutdown; the data
// is thrown away) and waits for it.
func (p *postgres) stop() {
	if p.cmd == nil || p.cmd.Process == nil {
		return
	}
	p.cmd.Process.Signal(syscall.SIGQUIT)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
	}
	p.cmd = nil
}

// postgresCredential is who runs the cluster: nil (this process's user)
// unless that is root, then the postgres user, or nobody without one.
func postgresCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
		gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
		if err1 != nil || err2 != nil {
			continue
		}
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
	}
	return nil, errors.New("dendritetest: running as root and there is no postgres or nobody user to run PostgreSQL as")
}
