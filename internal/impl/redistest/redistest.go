// Package redistest starts a real redis-server for tests. Code that talks to
// Redis is tested against the real server, not only miniredis, because the
// embedded miniredis differs from Redis in ways that matter (approximate
// stream trimming, key expiry, Lua details). Import it only from _test files.
package redistest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

const (
	// startTimeout bounds how long one redis-server may take to answer PING.
	// It starts in a few milliseconds; the margin is for loaded CI machines.
	startTimeout = 10 * time.Second
	// portAttempts covers the window between picking a free port and
	// redis-server binding it, in which another process may take the port.
	portAttempts = 5
)

// Server is one running redis-server owned by a test.
type Server struct {
	// URL is the go-redis URL of database 0, e.g. redis://127.0.0.1:41234/0.
	URL string
	// Addr is host:port.
	Addr string

	cmd      *exec.Cmd
	exited   chan struct{}
	stopOnce sync.Once
}

// Start starts a redis-server on a free port and returns its URL. The server
// is killed when the test ends. It fails the test, never skips it, when
// redis-server is not installed: a skipped Redis test looks green in CI.
func Start(t testing.TB) string {
	t.Helper()
	return StartServer(t).URL
}

// StartServer is Start for tests that also need to stop the server early,
// for example to prove that a caller reports Redis being down.
func StartServer(t testing.TB) *Server {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("redistest: redis-server is not installed (%v); install it with "+
			"`apt-get update && apt-get install -y redis-server`", err)
	}
	return startWith(t, bin)
}

// launch starts one redis-server and waits until it answers PING. It returns
// an error, rather than failing the test, when the server exits early, so that
// StartServer can retry on another port. extra is appended to the command
// line (e.g. --replicaof).
func launch(t testing.TB, bin, dir string, extra []string) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	return launchArgs(t, bin, port, serverArgs(port, dir, extra))
}

// serverArgs is the command line of a test redis-server on 127.0.0.1:port:
// no persistence, files in dir, then extra.
func serverArgs(port int, dir string, extra []string) []string {
	return append([]string{
		"--port", strconv.Itoa(port),
		"--bind", "127.0.0.1",
		"--save", "",
		"--appendonly", "no",
		"--dir", dir,
	}, extra...)
}

// launchArgs runs bin with args, which make it listen on 127.0.0.1:port,
// and waits until it answers PING.
func launchArgs(t testing.TB, bin string, port int, args []string) (*Server, error) {
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	out := &lockedWriter{w: &bytes.Buffer{}}
	cmd := exec.Command(bin, args...)
	// Buffer redis-server's log: it explains a failed start.
	cmd.Stdout = out
	cmd.Stderr = out
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("run %s: %w", bin, err)
	}
	s := &Server{
		URL:    "redis://" + addr + "/0",
		Addr:   addr,
		cmd:    cmd,
		exited: make(chan struct{}),
	}
	go func() {
		_ = cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(s.Stop)

	if err := s.waitReady(); err != nil {
		s.Stop()
		return nil, fmt.Errorf("%w; %s output:\n%s", err, bin, out.String())
	}
	return s, nil
}

// waitReady polls PING until the server answers, exits, or startTimeout passes.
func (s *Server) waitReady() error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	client := redis.NewClient(&redis.Options{
		Addr:        s.Addr,
		DialTimeout: 200 * time.Millisecond,
		MaxRetries:  -1, // the poll loop is the retry
	})
	defer client.Close()

	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		err := client.Ping(ctx).Err()
		if err == nil {
			return nil
		}
		select {
		case <-s.exited:
			return fmt.Errorf("redis-server on %s exited before answering PING", s.Addr)
		case <-ctx.Done():
			return fmt.Errorf("redis-server on %s did not answer PING within %s: %w", s.Addr, startTimeout, err)
		case <-tick.C:
		}
	}
}

// Stop kills the server and waits for it to exit. It is safe to call more
// than once; the test's cleanup calls it too.
func (s *Server) Stop() {
	s.stopOnce.Do(func() {
		_ = s.cmd.Process.Kill()
		<-s.exited
	})
}

// freePort asks the kernel for a free port. The port is released before
// redis-server binds it, hence the retries in StartServer.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		return 0, errors.New("find a free port: listener address is not TCP")
	}
	return addr.Port, nil
}

// lockedWriter lets the process's output goroutine and the test read the
// buffer without a data race.
type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (l *lockedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.String()
}
