package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// target is the server under load.
type target struct {
	base    string // http://127.0.0.1:PORT
	key     string
	spawned *server // nil for -url

	// rss returns the server's current resident memory in bytes.
	rss func(ctx context.Context) (int64, error)
	// hwm returns its peak resident memory since start (VmHWM); nil when unknown.
	hwm func() (int64, error)
}

// setUpTarget spawns the server or checks the one at -url, and prints what is
// measured. cleanup stops a spawned server (SIGTERM, wait) and removes its temp dir.
func setUpTarget(ctx context.Context, o *options, stdout, stderr io.Writer) (*target, func() error, error) {
	if o.url != "" {
		t := &target{base: o.url, key: o.key}
		t.rss = func(ctx context.Context) (int64, error) { return metricsRSS(ctx, t.base) }
		if err := waitReady(ctx, t.base, nil, 10*time.Second); err != nil {
			return nil, nil, err
		}
		fmt.Fprintf(stdout, "target   %s (running server; RSS from /metrics %s, sampled every 1s)\n", t.base, metricsRSSSample)
		fmt.Fprintf(stdout, "note     %s\n\n", rateLimitNoteExternal)
		return t, func() error { return nil }, nil
	}

	dir, err := os.MkdirTemp("", "lightwatch-load-")
	if err != nil {
		return nil, nil, err
	}
	removeDir := func() error {
		if o.keep {
			fmt.Fprintf(stderr, "lightwatch-load: kept %s\n", dir)
			return nil
		}
		return os.RemoveAll(dir)
	}
	bin := o.serverBin
	if bin == "" {
		bin = filepath.Join(dir, "lightwatch")
		fmt.Fprintf(stderr, "lightwatch-load: no -server-bin: go build -o %s ./cmd/lightwatch\n", bin)
		cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/lightwatch/lightwatch/cmd/lightwatch")
		cmd.Stdout, cmd.Stderr = stderr, stderr
		if err := cmd.Run(); err != nil {
			_ = removeDir()
			return nil, nil, fmt.Errorf("build server: %w", err)
		}
	}
	if o.key == "" {
		if o.key, err = newKey(); err != nil {
			_ = removeDir()
			return nil, nil, err
		}
	}
	s, err := spawn(bin, dir, o.key, o.serverEnv)
	if err != nil {
		_ = removeDir()
		return nil, nil, err
	}
	cleanup := func() error {
		err := s.stop(45 * time.Second)
		if err != nil {
			err = fmt.Errorf("server: %w\n%s", err, s.logTail())
		}
		return errors.Join(err, removeDir())
	}
	if err := waitReady(ctx, s.base, s.exited, readyTimeout); err != nil {
		err = fmt.Errorf("%w\n%s", err, s.logTail())
		return nil, nil, errors.Join(err, cleanup())
	}
	t := &target{base: s.base, key: o.key, spawned: s,
		rss: func(context.Context) (int64, error) { return procStatus(s.cmd.Process.Pid, "VmRSS") },
		hwm: func() (int64, error) { return procStatus(s.cmd.Process.Pid, "VmHWM") },
	}
	fmt.Fprintf(stdout, "target   %s (spawned %s, pid %d, embedded defaults, data and log in %s)\n", s.base, bin, s.cmd.Process.Pid, dir)
	if len(o.serverEnv) > 0 {
		fmt.Fprintf(stdout, "env      %s\n", strings.Join(o.serverEnv, " "))
	}
	fmt.Fprintf(stdout, "note     %s\n\n", rateLimitNote)
	return t, cleanup, nil
}

// newKey returns a secret in the format of apikey.NewSecret ("lw_" and 32
// base32 characters); the spawned server takes it as its bootstrap key.
func newKey() (string, error) {
	var b [20]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return "lw_" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:])), nil
}

type server struct {
	cmd     *exec.Cmd
	base    string
	logPath string
	exited  chan struct{} // closed when the process has ended; waitErr is then set
	waitErr error
}

func spawn(bin, dir, key string, extraEnv []string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	logPath := filepath.Join(dir, "server.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logf.Close() // the child has its own descriptor

	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LIGHTWATCH_") {
			env = append(env, kv)
		}
	}
	env = append(env,
		"LIGHTWATCH_ADDR="+addr,
		"LIGHTWATCH_DATA_DIR="+filepath.Join(dir, "data"),
		"LIGHTWATCH_BOOTSTRAP_KEY="+key,
		"LIGHTWATCH_RATE_LIMIT=0",
		"LIGHTWATCH_LOG_LEVEL=warn",
	)
	env = append(env, extraEnv...)

	cmd := exec.Command(bin)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = childAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	s := &server{cmd: cmd, base: "http://" + addr, logPath: logPath, exited: make(chan struct{})}
	go func() {
		s.waitErr = cmd.Wait()
		close(s.exited)
	}()
	return s, nil
}

// stop sends SIGTERM and waits for a graceful exit, killing it after timeout.
func (s *server) stop(timeout time.Duration) error {
	select {
	case <-s.exited:
		return fmt.Errorf("exited before the end of the run: %v", s.waitErr)
	default:
	}
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case <-s.exited:
		return s.waitErr
	case <-time.After(timeout):
		_ = s.cmd.Process.Kill()
		<-s.exited
		return fmt.Errorf("did not stop within %s of SIGTERM; killed", timeout)
	}
}

func (s *server) logTail() string {
	b, err := os.ReadFile(s.logPath)
	if err != nil {
		return ""
	}
	const n = 4000
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return "--- server log (tail) ---\n" + string(b)
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// waitReady polls /readyz until it answers 200, the deadline passes or the
// process (when exited is not nil) ends.
func waitReady(ctx context.Context, base string, exited <-chan struct{}, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	c := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{Proxy: nil}}
	defer c.CloseIdleConnections()
	var last string
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/readyz", nil)
		resp, err := c.Do(req)
		if err == nil {
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = fmt.Sprintf("%s: %s", resp.Status, bytes.TrimSpace(b))
		} else {
			last = err.Error()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s/readyz not ready within %s (last: %s)", base, timeout, last)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-exited:
			return fmt.Errorf("server exited before it was ready")
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// procStatus reads a "kB" field (VmRSS, VmHWM) of /proc/<pid>/status, in bytes.
func procStatus(pid int, field string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return parseStatusField(f, field)
}

func parseStatusField(r io.Reader, field string) (int64, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok || name != field {
			continue
		}
		fs := strings.Fields(rest)
		if len(fs) != 2 || fs[1] != "kB" {
			return 0, fmt.Errorf("%s: unexpected %q", field, rest)
		}
		kb, err := strconv.ParseInt(fs[0], 10, 64)
		return kb << 10, err
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no %s in status", field)
}

// metricsRSS reads process_resident_memory_bytes from the target's /metrics.
func metricsRSS(ctx context.Context, base string) (int64, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", nil)
	resp, err := (&http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}).Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("/metrics: %s", resp.Status)
	}
	return parseMetricsRSS(resp.Body)
}

func parseMetricsRSS(r io.Reader) (int64, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, metricsRSSSample+" "); ok {
			v, err := strconv.ParseFloat(strings.Fields(rest)[0], 64)
			return int64(v), err
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no %s sample in /metrics", metricsRSSSample)
}
