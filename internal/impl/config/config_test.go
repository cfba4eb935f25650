package config_test

import (
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/config"
)

func TestPrecedenceFlagOverEnvOverDefault(t *testing.T) {
	env := map[string]string{"LIGHTWATCH_ADDR": ":9000", "LIGHTWATCH_WRITE_TIMEOUT": "3s", "LIGHTWATCH_DATA_DIR": "/env"}
	c, err := config.Load("t", []string{"-data-dir", "/flag"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":9000" || c.DataDir != "/flag" || c.WriteTimeout != 3*time.Second || c.WSFlushInterval != 20*time.Millisecond {
		t.Fatalf("got %+v", c)
	}
}

func TestRejectsBadValues(t *testing.T) {
	for env, v := range map[string]string{"LIGHTWATCH_RATE_LIMIT": "-1", "LIGHTWATCH_WRITE_TIMEOUT": "soon", "LIGHTWATCH_SQLITE_SYNC": "off",
		"LIGHTWATCH_WS_FLUSH_INTERVAL": "-5ms", "LIGHTWATCH_STREAM_MAXLEN": "lots"} {
		_, err := config.Load("t", nil, func(k string) string {
			if k == env {
				return v
			}
			return ""
		}, io.Discard)
		if err == nil || !strings.Contains(err.Error(), env) {
			t.Errorf("%s=%s: err %v, want one naming the variable", env, v, err)
		}
	}
}

// The README's configuration table is the user's only reference: every setting must be in it.
func TestREADMEDocumentsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range config.Settings() {
		row := "| `" + s.Env + "` | `-" + s.Flag + "` |"
		if !strings.Contains(string(readme), row) {
			t.Errorf("README.md lacks a configuration row starting %q", row)
		}
	}
}

// Stream length: chosen by where the streams live unless set; 0 flush
// interval is allowed (it turns gathering off).
func TestStreamLengthAndZeroFlushInterval(t *testing.T) {
	load := func(env map[string]string) config.Config {
		t.Helper()
		c, err := config.Load("t", nil, func(k string) string { return env[k] }, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if got := load(nil).StreamLength(); got != 10000 {
		t.Errorf("embedded: %d, want 10000", got)
	}
	if got := load(map[string]string{"LIGHTWATCH_REDIS_URL": "redis://r:6379"}).StreamLength(); got != 100000 {
		t.Errorf("redis server: %d, want 100000", got)
	}
	if got := load(map[string]string{"LIGHTWATCH_STREAM_MAXLEN": "500"}).StreamLength(); got != 500 {
		t.Errorf("set: %d, want 500", got)
	}
	if c := load(map[string]string{"LIGHTWATCH_WS_FLUSH_INTERVAL": "0"}); c.WSFlushInterval != 0 {
		t.Errorf("flush interval 0: %v", c.WSFlushInterval)
	}
}

func TestRetentionAndSizes(t *testing.T) {
	for v, want := range map[string]time.Duration{"7d": 7 * 24 * time.Hour, "36h": 36 * time.Hour, "1d12h": 36 * time.Hour, "0": 0, "90d": 90 * 24 * time.Hour, "2s": 2 * time.Second} {
		if got, err := config.ParseRetention(v); err != nil || got != want {
			t.Errorf("ParseRetention(%q) = %v, %v; want %v", v, got, err, want)
		}
	}
	for _, v := range []string{"", "d", "-1d", "7days", "1.5d", "-3h", "x"} {
		if _, err := config.ParseRetention(v); err == nil && v != "" {
			t.Errorf("ParseRetention(%q): got no error", v)
		}
	}
	for v, want := range map[string]int64{"50GiB": 50 << 30, "500MB": 500e6, "1.5KiB": 1536, "0": 0, "123": 123, "2 MiB": 2 << 20} {
		if got, err := config.ParseBytes(v); err != nil || got != want {
			t.Errorf("ParseBytes(%q) = %v, %v; want %v", v, got, err, want)
		}
	}
	for _, v := range []string{"", "GiB", "-1MB", "5XB", "1e30TB"} {
		if _, err := config.ParseBytes(v); err == nil {
			t.Errorf("ParseBytes(%q): got no error", v)
		}
	}
	c, err := config.Load("t", nil, func(k string) string {
		return map[string]string{"LIGHTWATCH_RETENTION": "2d", "LIGHTWATCH_RETENTION_LOGS": "1h", "LIGHTWATCH_MAX_DISK": "1GiB"}[k]
	}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Retention != 48*time.Hour || c.RetentionLogs == nil || *c.RetentionLogs != time.Hour || c.RetentionMetrics != nil ||
		c.RetentionRollups != 90*24*time.Hour || c.MaxDisk != 1<<30 {
		t.Errorf("loaded %+v", c)
	}
	if _, err := config.Load("t", nil, func(k string) string {
		return map[string]string{"LIGHTWATCH_RETENTION_SECURITY": "soon"}[k]
	}, io.Discard); err == nil || !strings.Contains(err.Error(), "LIGHTWATCH_RETENTION_SECURITY") {
		t.Errorf("bad retention: %v", err)
	}
}
