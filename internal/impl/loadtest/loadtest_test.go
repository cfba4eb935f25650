package loadtest

import (
	"strings"
	"testing"
	"time"
)

func TestCheckLoopback(t *testing.T) {
	for _, u := range []string{"http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:9"} {
		if err := CheckLoopback(u); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	for _, u := range []string{"http://example.com", "http://10.0.0.1:80", "127.0.0.1:8080"} {
		if CheckLoopback(u) == nil {
			t.Errorf("%s accepted", u)
		}
	}
}

func TestParseRSS(t *testing.T) {
	v, err := ParseStatusField(strings.NewReader("Name:\tlightwatch\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n"), "VmHWM")
	if err != nil || v != 200<<20 {
		t.Errorf("VmHWM = %d, %v", v, err)
	}
	m := "# HELP process_resident_memory_bytes Resident memory size in bytes.\n# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes 1.2345678e+08\n"
	if v, err := ParseMetricsRSS(strings.NewReader(m)); err != nil || v != 123456780 {
		t.Errorf("metrics RSS = %d, %v", v, err)
	}
}

func TestParseStatCPU(t *testing.T) {
	line := "4242 (light watch) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 125 0 0 20 0 12 0 100 1000000 2000 18446744073709551615\n"
	if d, err := ParseStatCPU([]byte(line)); err != nil || d != 3750*time.Millisecond {
		t.Errorf("cpu = %v, %v; want 3.75s", d, err)
	}
	if _, err := ParseStatCPU([]byte("1 (x) S 1")); err == nil {
		t.Error("short stat accepted")
	}
}

func TestParseMachineCPU(t *testing.T) {
	stat := "cpu  100 5 50 9000 40 3 2 1 0 0\ncpu0 50 2 25 4500 20 1 1 0 0 0\n"
	if d, err := ParseMachineCPU([]byte(stat)); err != nil || d != 1610*time.Millisecond {
		t.Errorf("busy = %v, %v; want 1.61s", d, err)
	}
	if _, err := ParseMachineCPU([]byte("intr 1 2\n")); err == nil {
		t.Error("no cpu line accepted")
	}
}

func TestParseMetricsSum(t *testing.T) {
	text := `# HELP lightwatch_events_accepted_total Events
lightwatch_events_accepted_total{kind="log"} 1500
lightwatch_events_accepted_total{kind="metric"} 2.5e+03
lightwatch_events_accepted_totally 7
lightwatch_events_duplicate_total{kind="log"} 3
`
	got, err := ParseMetricsSum(strings.NewReader(text), "lightwatch_events_accepted_total")
	if err != nil || got != 4000 {
		t.Errorf("sum = %v, %v; want 4000", got, err)
	}
}
