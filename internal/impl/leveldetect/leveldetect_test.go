package leveldetect_test

import (
	"testing"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/leveldetect"
)

func TestDetect(t *testing.T) {
	cases := []struct {
		line string
		want event.Level // "" for none
	}{
		{`{"level":"warn","msg":"disk 91% full"}`, event.LevelWarn},
		{`{"severity":"ERROR","message":"x"}`, event.LevelError},
		{`{"log":{"level":"debug"},"message":"ecs"}`, event.LevelDebug},
		{`ts=2026-12-06T03:00:00Z level=error msg="payment declined"`, event.LevelError},
		{`ts=1 lvl=WARN msg="slow"`, event.LevelWarn},
		{`level="info" msg="with quotes, not an ERROR"`, event.LevelInfo},
		{`2026-12-06 03:00:00,123 ERROR [main] connection refused`, event.LevelError},
		{`[WARN] cache miss rate high`, event.LevelWarn},
		{`<info> started`, event.LevelInfo},
		{`Dec  6 03:00:00 web-1 kernel: panic: out of memory`, event.LevelFatal},
		{`E1206 error while retrying after warning`, event.LevelError},
		{`GET /healthz 200 12ms`, ""},
		{`terrorism information`, ""}, // words inside words do not count
		{`debugger attached`, ""},
	}
	for _, c := range cases {
		got, ok := leveldetect.Detect(c.line)
		if c.want == "" {
			if ok {
				t.Errorf("%q: detected %s, want none", c.line, got)
			}
			continue
		}
		if !ok || got != c.want {
			t.Errorf("%q: got %q (%v), want %s", c.line, got, ok, c.want)
		}
	}
}

func TestParseLabelSpellings(t *testing.T) {
	for in, want := range map[string]event.Level{"WARNING": event.LevelWarn, "err": event.LevelError, "crit": event.LevelFatal, "notice": event.LevelInfo, "Debug": event.LevelDebug} {
		if got, ok := leveldetect.Parse(in); !ok || got != want {
			t.Errorf("Parse(%q) = %q, %v; want %s", in, got, ok, want)
		}
	}
	if _, ok := leveldetect.Parse("loud"); ok {
		t.Error("Parse(loud) succeeded")
	}
}
