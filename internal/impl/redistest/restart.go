package redistest

import (
	"net"
	"os/exec"
	"strconv"
	"testing"
)

// Restart starts an empty redis-server on the address of s, which the test
// has stopped: a Redis that comes back after an outage, at the address its
// clients know (the fault-injection tests).
func Restart(t testing.TB, s *Server) *Server {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("redistest: redis-server is not installed: %v", err)
	}
	_, p, err := net.SplitHostPort(s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	port, err := strconv.Atoi(p)
	if err != nil {
		t.Fatal(err)
	}
	n, err := launchArgs(t, bin, port, serverArgs(port, t.TempDir(), nil))
	if err != nil {
		t.Fatalf("redistest: restart on %s: %v", s.Addr, err)
	}
	return n
}
