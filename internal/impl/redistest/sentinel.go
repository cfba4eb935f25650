package redistest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// SentinelMaster is the master name a SentinelGroup's Sentinels monitor.
const SentinelMaster = "lightwatch"

// failoverTimeout bounds how long Failover waits for every Sentinel and both
// servers to agree on the new master. A failover here takes a few seconds.
const failoverTimeout = 30 * time.Second

// SentinelGroup is a master, a replica of it and Sentinels monitoring the
// pair, all real processes owned by a test: what Redis with Sentinel is on
// Kubernetes (e.g. the Bitnami chart), on loopback ports.
type SentinelGroup struct {
	// URL is the redis-sentinel:// URL of database 0 through every Sentinel.
	URL string
	// Servers are the master and the replica, in start order; which is
	// master changes with each failover (see Master).
	Servers   []*Server
	Sentinels []*Server
}

// StartSentinelGroup starts a master, one replica and sentinels Sentinels
// (quorum 1, a server counted down after one second) and returns once the
// replica is in sync and every Sentinel knows it, so that a failover can
// start at once. Like Start, it fails the test when the binaries are missing.
func StartSentinelGroup(t testing.TB, sentinels int) *SentinelGroup {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("redistest: redis-server is not installed (%v); install it with "+
			"`apt-get update && apt-get install -y redis-server redis-sentinel`", err)
	}
	g := &SentinelGroup{}
	// A full sync otherwise waits five seconds for more replicas to come.
	noDelay := []string{"--repl-diskless-sync-delay", "0"}
	master := startWith(t, bin, noDelay...)
	replica := startWith(t, bin, append(noDelay, "--replicaof", "127.0.0.1", port(master.Addr))...)
	g.Servers = []*Server{master, replica}
	ctx, cancel := context.WithTimeout(context.Background(), failoverTimeout)
	defer cancel()
	if err := waitFor(ctx, func() (bool, error) { return inSync(ctx, master, replica) }); err != nil {
		t.Fatalf("redistest: replica %s never synced with master %s: %v", replica.Addr, master.Addr, err)
	}
	var addrs []string
	for range sentinels {
		s := startSentinel(t, bin, master.Addr)
		g.Sentinels = append(g.Sentinels, s)
		addrs = append(addrs, s.Addr)
	}
	g.URL = "redis-sentinel://" + strings.Join(addrs, ",") + "/" + SentinelMaster + "/0"
	if err := g.waitAgreed(ctx, master.Addr, replica.Addr); err != nil {
		t.Fatalf("redistest: sentinels never saw master %s with replica %s: %v", master.Addr, replica.Addr, err)
	}
	return g
}

// startWith starts a redis-server with extra arguments, retrying on another
// port when the one it picked was taken meanwhile.
func startWith(t testing.TB, bin string, extra ...string) *Server {
	t.Helper()
	dir := t.TempDir()
	var lastErr error
	for range portAttempts {
		s, err := launch(t, bin, dir, extra)
		if err == nil {
			return s
		}
		lastErr = err
	}
	t.Fatalf("redistest: starting redis-server %s failed %d times, last: %v", strings.Join(extra, " "), portAttempts, lastErr)
	return nil
}

// startSentinel runs redis-server in Sentinel mode with a configuration file
// of its own, which Sentinel rewrites as it learns.
func startSentinel(t testing.TB, bin, masterAddr string) *Server {
	t.Helper()
	dir := t.TempDir()
	var lastErr error
	for range portAttempts {
		p, err := freePort()
		if err != nil {
			t.Fatal(err)
		}
		conf := filepath.Join(dir, "sentinel.conf")
		content := fmt.Sprintf("port %d\nbind 127.0.0.1\ndir %s\n"+
			"sentinel monitor %[4]s 127.0.0.1 %[3]s 1\n"+
			"sentinel down-after-milliseconds %[4]s 1000\n"+
			"sentinel failover-timeout %[4]s 10000\n"+
			"sentinel parallel-syncs %[4]s 1\n", p, dir, port(masterAddr), SentinelMaster)
		if err := os.WriteFile(conf, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := launchArgs(t, bin, p, []string{conf, "--sentinel"})
		if err == nil {
			return s
		}
		lastErr = err
	}
	t.Fatalf("redistest: starting redis sentinel failed %d times, last: %v", portAttempts, lastErr)
	return nil
}

// Master returns the server the Sentinels name master now. (A demoted
// master may still call itself master until a Sentinel reconfigures it,
// up to ten seconds later.)
func (g *SentinelGroup) Master(ctx context.Context) (*Server, error) {
	sc := redis.NewSentinelClient(&redis.Options{Addr: g.Sentinels[0].Addr, MaxRetries: -1})
	defer sc.Close()
	addr, err := sc.GetMasterAddrByName(ctx, SentinelMaster).Result()
	if err != nil || len(addr) != 2 {
		return nil, fmt.Errorf("SENTINEL GET-MASTER-ADDR-BY-NAME: %v %w", addr, err)
	}
	for _, s := range g.Servers {
		if s.Addr == addr[0]+":"+addr[1] {
			return s, nil
		}
	}
	return nil, fmt.Errorf("the sentinels name %v master, which is none of the group's servers", addr)
}

// Failover makes the Sentinels promote the replica (SENTINEL FAILOVER) and
// waits until every Sentinel names it master and it acts as one: the moment
// clients that follow Sentinel switch to it. Writes the old master accepted
// after the replica's last sync are lost, as in any Redis failover; the old
// master becomes a replica of the new one within seconds.
func (g *SentinelGroup) Failover(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), failoverTimeout)
	defer cancel()
	old, err := g.Master(ctx)
	if err != nil {
		t.Fatalf("redistest: failover: %v", err)
	}
	next := g.Servers[0]
	if next == old {
		next = g.Servers[1]
	}
	sc := redis.NewSentinelClient(&redis.Options{Addr: g.Sentinels[0].Addr})
	defer sc.Close()
	if err := sc.Failover(ctx, SentinelMaster).Err(); err != nil {
		t.Fatalf("redistest: SENTINEL FAILOVER: %v", err)
	}
	if err := g.waitAgreed(ctx, next.Addr, ""); err != nil {
		t.Fatalf("redistest: failover from %s to %s did not complete: %v", old.Addr, next.Addr, err)
	}
}

// waitAgreed waits until every Sentinel names master as the master (and, if
// replica is not empty, knows replica as its replica in good health), and
// master acts as a master.
func (g *SentinelGroup) waitAgreed(ctx context.Context, master, replica string) error {
	return waitFor(ctx, func() (bool, error) {
		if role, err := roleOf(ctx, master); err != nil || role != "master" {
			return false, err
		}
		for _, s := range g.Sentinels {
			sc := redis.NewSentinelClient(&redis.Options{Addr: s.Addr, MaxRetries: -1})
			addr, err := sc.GetMasterAddrByName(ctx, SentinelMaster).Result()
			if err != nil || len(addr) != 2 || addr[0]+":"+addr[1] != master {
				_ = sc.Close()
				return false, err
			}
			if replica == "" {
				_ = sc.Close()
				continue
			}
			replicas, err := sc.Replicas(ctx, SentinelMaster).Result()
			_ = sc.Close()
			if err != nil {
				return false, err
			}
			known := false
			for _, r := range replicas {
				known = known || (r["name"] == replica && !strings.Contains(r["flags"], "down") && !strings.Contains(r["flags"], "disconnected"))
			}
			if !known {
				return false, nil
			}
		}
		return true, nil
	})
}

// inSync reports whether replica replicates master with its link up and no
// offset lag.
func inSync(ctx context.Context, master, replica *Server) (bool, error) {
	info, err := infoOf(ctx, replica.Addr, "replication")
	if err != nil {
		return false, err
	}
	if info["role"] != "slave" || info["master_port"] != port(master.Addr) || info["master_link_status"] != "up" {
		return false, nil
	}
	minfo, err := infoOf(ctx, master.Addr, "replication")
	if err != nil {
		return false, err
	}
	return minfo["master_repl_offset"] == info["slave_repl_offset"], nil
}

func roleOf(ctx context.Context, addr string) (string, error) {
	info, err := infoOf(ctx, addr, "replication")
	return info["role"], err
}

func infoOf(ctx context.Context, addr, section string) (map[string]string, error) {
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: time.Second})
	defer c.Close()
	text, err := c.Info(ctx, section).Result()
	if err != nil {
		return nil, fmt.Errorf("INFO %s at %s: %w", section, addr, err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(text, "\r\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			out[k] = v
		}
	}
	return out, nil
}

// waitFor polls cond every 20ms until it holds or ctx ends; the last error
// explains a time-out.
func waitFor(ctx context.Context, cond func() (bool, error)) error {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		ok, err := cond()
		if ok {
			return nil
		}
		if err != nil {
			last = err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last error: %w)", ctx.Err(), last)
		case <-tick.C:
		}
	}
}

func port(addr string) string {
	return addr[strings.LastIndex(addr, ":")+1:]
}
