package asyncapitest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// The document is valid, its $refs into openapi/api.yaml resolve and its
// examples match their payloads.
func TestValidate(t *testing.T) {
	t.Parallel()
	Validate(t, "")
}

const (
	logEvent = `{"type":"event","channel":"logs","cursor":"1732700000000-0","event":{"id":"01JDQ7ZK3V8Y6W2T5R4N1M0B9C","tenant":"default","kind":"log","ts":"2026-11-27T09:33:20Z","received_at":"2026-11-27T09:33:20.012Z","service":"checkout","host":"checkout-1","attributes":{"order_id":"A-1001","http.status":402,"retry":false},"log":{"level":"error","message":"payment declined","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736"}}}`
	secEvent = `{"type":"event","channel":"security-events","cursor":"1732700000123-0","event":{"id":"s1","tenant":"acme","kind":"security","ts":"2026-11-27T09:33:20.123Z","received_at":"2026-11-27T09:33:20.130Z","service":"auth","security":{"source":"waf","category":"web_attack","severity":"critical","outcome":"failure","actor":"alice","src_ip":"198.51.100.4","message":"SQLi"}}}`
	metEvent = `{"type":"event","channel":"metrics","cursor":"1732700000456-3","event":{"id":"m-1","tenant":"default","kind":"metric","ts":"2026-11-27T09:33:20.456Z","received_at":"2026-11-27T09:33:20.460Z","service":"checkout","metric":{"name":"cpu_usage","value":0.42,"type":"gauge","labels":{"region":"eu-west-1"}}}}`
	alert    = `{"type":"alert","channel":"alerts","cursor":"1732700060000-0","alert":{"id":"a1","rule_id":"r1","rule_name":"checkout errors","labels":{"team":"payments"},"severity":"critical","state":"resolved","started_at":"2026-11-27T09:33:00Z","fired_at":"2026-11-27T09:34:00Z","resolved_at":"2026-11-27T09:40:00Z","value":3,"summary":"3 errors in 5m"}}`
	lagged   = `{"type":"lagged","dropped":1}`
	reset    = `{"type":"reset","reason":"history_trimmed","oldest":"1732699000000-0"}`
	errMsg   = `{"type":"error","message":"filters.level: value is not one of the allowed values"}`
)

func frames(msgs ...string) [][]byte {
	out := make([][]byte, len(msgs))
	for i, m := range msgs {
		out[i] = []byte(m)
	}
	return out
}

// Hand-written messages of every type on every channel, in both directions,
// and messages that drift from the contract, checked in one run of the
// validator (each run costs about 2 s of CPU): exactly the invalid ones are
// reported, each with the field at fault.
func TestMessages(t *testing.T) {
	t.Parallel()
	type tc struct {
		channel, from, msg string
		want               string // in the complaint about this message; "" for a valid one
	}
	valid := func(channel, from string, msgs ...string) []tc {
		out := make([]tc, len(msgs))
		for i, m := range msgs {
			out[i] = tc{channel: channel, from: from, msg: m}
		}
		return out
	}
	var cases []tc
	cases = append(cases, valid("/ws/logs", "server",
		`{"type":"subscribed","channel":"logs","filters":{}}`,
		`{"type":"subscribed","channel":"logs","filters":{"service":["checkout","auth"],"level":"error","host":"h1","q":"declined","attr":["http.status=402"],"attr.order_id":"A-1001"}}`,
		logEvent, lagged, reset, errMsg)...)
	cases = append(cases, valid("/ws/security-events", "server",
		`{"type":"subscribed","channel":"security-events","filters":{"service":"auth","category":["authentication"],"severity":["high","critical"],"min_severity":"medium","src_ip":"203.0.113.7","actor":"alice","outcome":"failure","q":"login"}}`,
		secEvent, lagged, reset, errMsg)...)
	cases = append(cases, valid("metrics", "server", // a channel id works as well as its address
		`{"type":"subscribed","channel":"metrics","filters":{"name":"http_requests_total","service":"checkout","label":"code=200","label.region":["eu-west-1"]}}`,
		metEvent, lagged, reset, errMsg)...)
	cases = append(cases, valid("/ws/alerts", "server",
		`{"type":"subscribed","channel":"alerts","filters":{"state":"firing","rule_id":"r1","severity":"warning"}}`,
		alert, lagged, reset, errMsg)...)
	cases = append(cases, valid("/ws/logs", "client",
		`{"type":"subscribe","filters":{"level":["warn","error"],"attr.http.status":"402"}}`,
		`{"type":"subscribe","filters":{}}`)...)
	cases = append(cases, valid("/ws/security-events", "client", `{"type":"subscribe","filters":{"min_severity":"high"}}`)...)
	cases = append(cases, valid("/ws/metrics", "client", `{"type":"subscribe","filters":{"name":"cpu_usage","label":["host=a","region=eu"]}}`)...)
	cases = append(cases, valid("/ws/alerts", "client", `{"type":"subscribe","filters":{"state":"pending"}}`)...)
	nvalid := len(cases)

	cases = append(cases, []tc{
		{"/ws/logs", "server", strings.Replace(logEvent, `"level":"error"`, `"level":"loud"`, 1), "/event/log/level"},
		{"/ws/logs", "server", metEvent, `/channel must be equal to constant`}, // a metric on the logs channel
		{"/ws/logs", "server", strings.Replace(metEvent, `"channel":"metrics"`, `"channel":"logs"`, 1), `/event/kind must be equal to constant`},
		{"/ws/logs", "server", strings.Replace(logEvent, `"channel":"logs"`, `"channel":"logs","tenant":"x"`, 1), `("tenant")`},
		{"/ws/logs", "server", strings.Replace(logEvent, `"cursor":"1732700000000-0",`, ``, 1), `required property 'cursor'`},
		{"/ws/logs", "server", strings.Replace(logEvent, `1732700000000-0`, `abc`, 1), `/cursor must match pattern`},
		{"/ws/logs", "server", strings.Replace(logEvent, `"2026-11-27T09:33:20Z"`, `"yesterday"`, 1), `/event/ts must match format`},
		{"/ws/logs", "server", `{"type":"lagged","dropped":0}`, `/dropped must be >= 1`},
		{"/ws/logs", "server", `{"type":"reset","reason":"trimmed","oldest":"1-0"}`, `/reason`},
		{"/ws/logs", "server", `{"type":"hello"}`, `no such message type`},
		{"/ws/logs", "server", `{"type":"subscribe","filters":{}}`, `no such message type`}, // a client message from the server
		{"/ws/logs", "server", `{"type":"subscribed","channel":"logs","filters":{"since":"1-0"}}`, `("since")`},
		{"/ws/metrics", "server", `{"type":"subscribed","channel":"logs","filters":{}}`, `/channel must be equal to constant`},
		{"/ws/alerts", "server", strings.Replace(alert, `"severity":"critical"`, `"severity":"high"`, 1), `/alert/severity`},
		{"/ws/alerts", "server", strings.Replace(alert, `"rule_id":"r1",`, ``, 1), `required property 'rule_id'`},
		{"/ws/security-events", "server", strings.Replace(secEvent, `"severity":"critical"`, `"severity":"urgent"`, 1), `/event/security/severity`},
		{"/ws/alerts", "server", `{"type":"error"}`, `required property 'message'`},
		{"/ws/logs", "client", `{"type":"subscribe","filters":{"level":"loud"}}`, `/filters/level`},
		{"/ws/logs", "client", `{"type":"subscribe","filters":{"access_token":"lw_x"}}`, `("access_token")`},
		{"/ws/nope", "server", lagged, `no channel "/ws/nope"`},
	}...)
	ninvalid := len(cases) - nvalid
	// Interleave, so that a valid message after an invalid one is seen too.
	for i := range cases {
		j := (i * 7) % len(cases)
		cases[i], cases[j] = cases[j], cases[i]
	}

	var ndjson []byte
	for i, c := range cases {
		b, bad := samples(c.channel, c.from, frames(c.msg))
		if len(bad) > 0 || len(b) == 0 {
			t.Fatalf("case %d: %q", i, bad)
		}
		ndjson = append(ndjson, b...)
	}
	out, err := run(t, "", ndjson)
	if err == nil {
		t.Fatalf("the validator accepted invalid messages:\n%s", out)
	}
	if want := fmt.Sprintf("%d of %d message(s) INVALID", ninvalid, len(cases)); !strings.Contains(out, want) {
		t.Errorf("want %q in:\n%s", want, out)
	}
	reported := map[int]string{}
	for _, m := range regexp.MustCompile(`(?m)\.ndjson:(\d+): (.*)$`).FindAllStringSubmatch(out, -1) {
		n, _ := strconv.Atoi(m[1])
		reported[n] = m[2]
	}
	for i, c := range cases {
		msg, ok := reported[i+1]
		switch {
		case c.want == "" && ok:
			t.Errorf("valid message on %s reported: %s\n%s", c.channel, msg, c.msg)
		case c.want != "" && !ok:
			t.Errorf("invalid message on %s not reported (want %q):\n%s", c.channel, c.want, c.msg)
		case c.want != "" && !strings.Contains(msg, c.want):
			t.Errorf("want %q in: %s", c.want, msg)
		}
	}
	if t.Failed() {
		t.Logf("validator output:\n%s", out)
	}
}

// recorder is a testing.TB that records failures instead of failing the test.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	failed bool
	out    []string
}

func (r *recorder) Helper()             {}
func (r *recorder) Logf(string, ...any) {}
func (r *recorder) Log(...any)          {}
func (r *recorder) fail(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
	r.out = append(r.out, s)
}
func (r *recorder) Errorf(f string, a ...any) { r.fail(fmt.Sprintf(f, a...)) }
func (r *recorder) Error(a ...any)            { r.fail(fmt.Sprint(a...)) }
func (r *recorder) Fail()                     { r.fail("Fail") }
func (r *recorder) Fatalf(f string, a ...any) { r.fail(fmt.Sprintf(f, a...)); runtime.Goexit() }
func (r *recorder) Fatal(a ...any)            { r.fail(fmt.Sprint(a...)); runtime.Goexit() }
func (r *recorder) FailNow()                  { r.fail("FailNow"); runtime.Goexit() }
func (r *recorder) Failed() bool              { r.mu.Lock(); defer r.mu.Unlock(); return r.failed }

// Messages fails its test on an invalid message (as it would a server's).
func TestMessagesFailsTheTest(t *testing.T) {
	t.Parallel()
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Messages(r, "", "/ws/logs", frames(
			`{"type":"subscribed","channel":"logs","filters":{}}`+"\n"+
				strings.Replace(logEvent, `"kind":"log"`, `"kind":"lgo"`, 1)+"\n",
			`not json`,
		))
	}()
	<-done
	out := strings.Join(r.out, "\n")
	if !r.Failed() {
		t.Fatal("Messages passed an invalid message")
	}
	for _, want := range []string{`is not JSON: "not json"`, `/event/kind`, `1 of 2 message(s) INVALID`} {
		if !strings.Contains(out, want) {
			t.Errorf("want %q in:\n%s", want, out)
		}
	}
}

func TestSamplesSplitsFrames(t *testing.T) {
	got, bad := samples("/ws/logs", "server", frames(lagged+"\n\n"+reset+"\r\n", "", " "+errMsg+" ", "{"))
	want := `{"channel":"/ws/logs","from":"server","message":` + lagged + "}\n" +
		`{"channel":"/ws/logs","from":"server","message":` + reset + "}\n" +
		`{"channel":"/ws/logs","from":"server","message":` + errMsg + "}\n"
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if len(bad) != 1 || !strings.Contains(bad[0], "message 3 line 1") {
		t.Errorf("bad = %q", bad)
	}
}

func TestModuleRoot(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, script)); err != nil {
		t.Fatalf("module root %s: %v", root, err)
	}
}
