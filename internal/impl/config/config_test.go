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
	if c.Addr != ":9000" || c.DataDir != "/flag" || c.WriteTimeout != 3*time.Second || c.StreamMaxLen != 100000 {
		t.Fatalf("got %+v", c)
	}
}

func TestRejectsBadValues(t *testing.T) {
	for env, v := range map[string]string{"LIGHTWATCH_RATE_LIMIT": "-1", "LIGHTWATCH_WRITE_TIMEOUT": "soon", "LIGHTWATCH_SQLITE_SYNC": "off"} {
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
