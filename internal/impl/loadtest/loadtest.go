// Package loadtest is what the load commands (cmd/lightwatch-load,
// cmd/lightwatch-wsload) share: building the commands, making an API key,
// spawning a lightwatch server on a free
// loopback port with a temp data directory, waiting for it to be ready,
// refusing targets that are not this machine, and reading the server's
// memory and CPU from /proc (or its /metrics when it is not ours).
package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// MetricsRSSSample is the /metrics sample read for a running server's memory.
const MetricsRSSSample = "process_resident_memory_bytes"

// ServerPackage is what Build compiles.
const ServerPackage = "github.com/lightwatch/lightwatch/cmd/lightwatch"

// Build compiles the server into bin, with the go command's output on out.
func Build(ctx context.Context, bin string, out io.Writer) error {
	return goBuild(ctx, bin, out, ServerPackage)
}

// BuildCommands compiles main packages (such as
// github.com/lightwatch/lightwatch/cmd/ingest) in one go command into dir,
// each binary named after its package's directory, without symbol tables as
// the images are (linking is most of the time of a cached build).
func BuildCommands(ctx context.Context, dir string, out io.Writer, pkgs ...string) error {
	return goBuild(ctx, dir+string(os.PathSeparator), out, append([]string{"-ldflags=-s -w"}, pkgs...)...)
}

func goBuild(ctx context.Context, target string, out io.Writer, args ...string) error {
	cmd := exec.CommandContext(ctx, "go", append([]string{"build", "-o", target}, args...)...)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("build %v: %w", args, err)
	}
	return nil
}

// NewKey returns a secret in the format of apikey.NewSecret ("lw_" and 32
// base32 characters); a spawned server takes it as its bootstrap key.
func NewKey() (string, error) {
	var b [20]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return "lw_" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:])), nil
}

// Server is a spawned lightwatch process.
type Server struct {
	Cmd     *exec.Cmd
	Base    string        // http://127.0.0.1:PORT
	Addr    string        // 127.0.0.1:PORT, its LIGHTWATCH_ADDR
	LogPath string        // its structured logs (stderr)
	exited  chan struct{} // closed when the process has ended; waitErr is then set
	waitErr error
}

// SpawnRateLimit is the per-key rate limit (requests/s) of spawned servers:
// rate limiting on, as in the default configuration, so that every request
// pays for being counted, with a limit far above what a load test offers, so
// that none is refused. -server-env LIGHTWATCH_RATE_LIMIT=0 turns it off.
const SpawnRateLimit = "1000000"

// Spawn starts bin on a free port of 127.0.0.1 with its data in dir/data,
// its logs (stderr) in dir/server.log and its stdout in dir/server.out, key
// as bootstrap key, rate limiting on at SpawnRateLimit and log level warn;
// extraEnv (NAME=VALUE) comes last and so wins. Inherited LIGHTWATCH_*
// variables are not passed on. The process inherits this one's resource
// limits.
func Spawn(bin, dir, key string, extraEnv []string) (*Server, error) {
	port, err := FreePort()
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
	outf, err := os.Create(filepath.Join(dir, "server.out"))
	if err != nil {
		return nil, err
	}
	defer outf.Close()

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
		"LIGHTWATCH_RATE_LIMIT="+SpawnRateLimit,
		"LIGHTWATCH_LOG_LEVEL=warn",
	)
	env = append(env, extraEnv...)

	cmd := exec.Command(bin)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = outf, logf
	cmd.SysProcAttr = childAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	s := &Server{Cmd: cmd, Base: "http://" + addr, Addr: addr, LogPath: logPath, exited: make(chan struct{})}
	go func() {
		s.waitErr = cmd.Wait()
		close(s.exited)
	}()
	return s, nil
}

// Pid is the server's process id.
func (s *Server) Pid() int { return s.Cmd.Process.Pid }

// Exited is closed once the process has ended.
func (s *Server) Exited() <-chan struct{} { return s.exited }

// RSS is the server's resident memory now (VmRSS), in bytes.
func (s *Server) RSS() (int64, error) { return ProcStatus(s.Pid(), "VmRSS") }

// HWM is the server's peak resident memory since it started (VmHWM), in bytes.
func (s *Server) HWM() (int64, error) { return ProcStatus(s.Pid(), "VmHWM") }

// CPU is the CPU time the server has used so far (user + system).
func (s *Server) CPU() (time.Duration, error) { return ProcCPU(s.Pid()) }

// Stop sends SIGTERM and waits for a graceful exit, killing it after timeout.
// It is an error too when the process had ended before.
func (s *Server) Stop(timeout time.Duration) error {
	select {
	case <-s.exited:
		return fmt.Errorf("exited before the end of the run: %w", s.waitErr)
	default:
	}
	if err := s.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-s.exited:
		return s.waitErr
	case <-t.C:
		_ = s.Cmd.Process.Kill()
		<-s.exited
		return fmt.Errorf("did not stop within %s of SIGTERM; killed", timeout)
	}
}

// LogTail is the end of the server's output, for error messages.
func (s *Server) LogTail() string {
	b, err := os.ReadFile(s.LogPath)
	if err != nil {
		return ""
	}
	const n = 4000
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return "--- server log (tail) ---\n" + string(b)
}

// FreePort returns a TCP port of 127.0.0.1 that was free a moment ago.
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// WaitReady polls /readyz until it answers 200, the deadline passes or the
// process (when exited is not nil) ends.
func WaitReady(ctx context.Context, base string, exited <-chan struct{}, timeout time.Duration) error {
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

// CheckLoopback refuses targets that are not this machine: a load test must
// never be pointed at someone else's server by accident.
func CheckLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("-url %q: want http://127.0.0.1:PORT or http://localhost:PORT", raw)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("-url %q: only loopback targets (127.0.0.1, ::1, localhost) are allowed", raw)
}

// ProcStatus reads a "kB" field (VmRSS, VmHWM) of /proc/<pid>/status, in bytes.
func ProcStatus(pid int, field string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return ParseStatusField(f, field)
}

// ParseStatusField finds a "kB" field in the text of /proc/<pid>/status.
func ParseStatusField(r io.Reader, field string) (int64, error) {
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

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat's times: 100 on every
// Linux architecture Go supports.
const clockTicks = 100

// ProcCPU reads the user and system time of /proc/<pid>/stat.
func ProcCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	return ParseStatCPU(b)
}

// ParseStatCPU returns utime + stime (fields 14 and 15) of a /proc/<pid>/stat
// line. The command name (field 2) is in parentheses and may hold spaces, so
// fields are counted after its closing parenthesis.
func ParseStatCPU(b []byte) (time.Duration, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("stat: no command name")
	}
	fs := strings.Fields(string(b[i+1:])) // fs[0] is field 3 (state)
	if len(fs) < 13 {
		return 0, fmt.Errorf("stat: %d fields", len(fs)+2)
	}
	var ticks int64
	for _, f := range fs[11:13] {
		v, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("stat: %w", err)
		}
		ticks += v
	}
	return time.Duration(ticks) * time.Second / clockTicks, nil
}

// MetricsRSS reads process_resident_memory_bytes from the target's /metrics.
func MetricsRSS(ctx context.Context, base string) (int64, error) {
	return readMetrics(ctx, base, ParseMetricsRSS)
}

// readMetrics fetches the target's /metrics and hands the exposition to parse.
func readMetrics[T any](ctx context.Context, base string, parse func(io.Reader) (T, error)) (T, error) {
	var zero T
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", nil)
	resp, err := (&http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}).Do(req)
	if err != nil {
		return zero, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return zero, fmt.Errorf("/metrics: %s", resp.Status)
	}
	return parse(resp.Body)
}

// ParseMetricsRSS finds the process_resident_memory_bytes sample in a
// Prometheus text exposition.
func ParseMetricsRSS(r io.Reader) (int64, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, MetricsRSSSample+" "); ok {
			v, err := strconv.ParseFloat(strings.Fields(rest)[0], 64)
			return int64(v), err
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no %s sample in /metrics", MetricsRSSSample)
}

// MachineCPU reads the busy time of all CPUs together from /proc/stat: user,
// nice, system, irq, softirq and steal (not idle, not iowait).
func MachineCPU() (time.Duration, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, err
	}
	return ParseMachineCPU(b)
}

// ParseMachineCPU reads the busy time from the "cpu" line of /proc/stat.
func ParseMachineCPU(b []byte) (time.Duration, error) {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	fs := strings.Fields(string(line))
	if len(fs) < 9 || fs[0] != "cpu" {
		return 0, fmt.Errorf("/proc/stat: no cpu line")
	}
	var ticks int64
	for _, i := range []int{1, 2, 3, 6, 7, 8} { // user nice system (idle iowait) irq softirq steal
		v, err := strconv.ParseInt(fs[i], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/stat: %w", err)
		}
		ticks += v
	}
	return time.Duration(ticks) * time.Second / clockTicks, nil
}

// MetricsSum adds up every sample of a metric (all its label sets) in the
// server's /metrics.
func MetricsSum(ctx context.Context, base, name string) (float64, error) {
	return readMetrics(ctx, base, func(r io.Reader) (float64, error) { return ParseMetricsSum(r, name) })
}

// ParseMetricsSum adds up the samples of name in a Prometheus text exposition.
func ParseMetricsSum(r io.Reader, name string) (float64, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var sum float64
	for sc.Scan() {
		line := sc.Text()
		rest, ok := strings.CutPrefix(line, name)
		if !ok || (rest != "" && rest[0] != ' ' && rest[0] != '{') {
			continue
		}
		f := strings.Fields(line)
		v, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", line, err)
		}
		sum += v
	}
	return sum, sc.Err()
}

// DirBytes adds up the sizes of the regular files under dir.
func DirBytes(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		n += fi.Size()
		return nil
	})
	return n, err
}
