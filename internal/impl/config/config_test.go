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
