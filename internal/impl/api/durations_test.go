package api

import (
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/gen/queryapi"
	"github.com/lightwatch/lightwatch/internal/impl/alerting"
)

// specPattern compiles the pattern of components/schemas/<name> of the query API document.
func specPattern(t *testing.T, name string) *regexp.Regexp {
	t.Helper()
	doc, err := queryapi.GetSwagger()
	if err != nil {
		t.Fatal(err)
	}
	ref, ok := doc.Components.Schemas[name]
	if !ok || ref.Value == nil || ref.Value.Pattern == "" {
		t.Fatalf("spec has no pattern for schema %s", name)
	}
	return regexp.MustCompile(ref.Value.Pattern)
}

// everyDuration calls f with the durations a pattern could get wrong: every
// count of each unit up to 20,000, and past that (up to 999999, a digit more
// than any limit needs: 7d is 604800s) every count within 2,000 of a limit or
// a power of ten, and every 101st.
func everyDuration(f func(s string, d time.Duration)) {
	units := []struct {
		suffix string
		d      time.Duration
	}{{"s", time.Second}, {"m", time.Minute}, {"h", time.Hour}, {"d", 24 * time.Hour}}
	for _, u := range units {
		var edges []int
		for _, field := range []string{"window", "for", "warmup"} {
			lo, hi, _ := alerting.DurationLimits(field)
			edges = append(edges, int(lo/u.d), int(hi/u.d))
		}
		for p := 10; p <= 1000000; p *= 10 {
			edges = append(edges, p)
		}
		near := func(n int) bool {
			for _, e := range edges {
				if n >= e-2000 && n <= e+2000 {
					return true
				}
			}
			return false
		}
		for n := 1; n <= 999999; n++ {
			if n <= 20000 || n%101 == 0 || near(n) {
				f(strconv.Itoa(n)+u.suffix, time.Duration(n)*u.d)
			}
		}
	}
}

// The documents state each rule duration's bounds as a pattern, so that
// clients and Schemathesis know them; the server's limits must be the same.
func TestRuleDurationPatternsMatchServerLimits(t *testing.T) {
	forLo, forHi, _ := alerting.DurationLimits("for")
	if graceLo, graceHi, _ := alerting.DurationLimits("grace"); forLo != graceLo || forHi != graceHi {
		t.Fatalf("for and grace share the schema Hold but have different limits")
	}
	for schema, field := range map[string]string{"Window": "window", "Hold": "for", "Warmup": "warmup"} {
		t.Run(schema, func(t *testing.T) {
			t.Parallel()
			re := specPattern(t, schema)
			lo, hi, _ := alerting.DurationLimits(field)
			check := func(s string, d time.Duration) {
				if want := d >= lo && d <= hi; re.MatchString(s) != want {
					t.Errorf("pattern matches %q: %v; server limits %v to %v", s, !want, lo, hi)
				}
			}
			everyDuration(check)
			for _, zero := range []string{"0s", "0m", "0h", "0d"} {
				check(zero, 0)
			}
		})
	}
}

// Every step the document allows, the server accepts (it accepts a few more
// spellings, such as 120s, which the document's validation turns away first).
func TestStepPatternIsAccepted(t *testing.T) {
	re := specPattern(t, "Step")
	matched := 0
	everyDuration(func(s string, _ time.Duration) {
		if !re.MatchString(s) {
			return
		}
		matched++
		if _, err := step(&s); err != nil {
			t.Errorf("step %q matches the document's pattern but the server rejects it: %v", s, err)
		}
	})
	if want := 4 + 1440 + 24 + 1; matched != want { // 10s 15s 20s 30s, 1-1440m, 1-24h, 1d
		t.Errorf("the Step pattern matches %d durations, want %d", matched, want)
	}
}
