package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/lightwatch/lightwatch/internal/impl/testwait"
)

// browser is a headless Chromium (Debian's package) driven over the DevTools
// protocol, recording every console error, uncaught exception and failed
// or refused request of the page.
type browser struct {
	t        *testing.T
	ctx      context.Context // the tab
	shots    string
	mu       sync.Mutex
	problems []string
	allowed  func(method, url string, status int64) bool
	methods  map[network.RequestID]string
}

func newBrowser(t *testing.T, allowed func(method, url string, status int64) bool) *browser {
	t.Helper()
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium is not installed (apt-get install -y chromium; .ci/run does it)")
	}
	b := &browser{t: t, allowed: allowed, methods: map[network.RequestID]string{}}
	// Screenshots are artifacts: kept in LIGHTWATCH_SCREENSHOTS when set.
	b.shots = os.Getenv("LIGHTWATCH_SCREENSHOTS")
	if b.shots == "" {
		b.shots = t.TempDir()
	} else if err := os.MkdirAll(b.shots, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 800),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx, chromedp.WithListener(b.listen))
	b.ctx = ctx
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	// The first action starts the browser, which lives as long as the context
	// of that action: ctx itself, never one with a deadline.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	t.Cleanup(func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, p := range b.problems {
			t.Errorf("page problem: %s", p)
		}
		t.Logf("screenshots in %s", b.shots)
	})
	return b
}

// listen records what the page does wrong; it runs on the tab's reader.
func (b *browser) listen(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		msg := ev.ExceptionDetails.Text
		if ex := ev.ExceptionDetails.Exception; ex != nil {
			msg += " " + ex.Description
		}
		b.problems = append(b.problems, "exception: "+msg)
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
			var args []string
			for _, a := range ev.Args {
				args = append(args, string(a.Value)+a.Description)
			}
			b.problems = append(b.problems, fmt.Sprintf("console %s: %s", ev.Type, strings.Join(args, " ")))
		}
	case *network.EventRequestWillBeSent:
		b.methods[ev.RequestID] = ev.Request.Method
	case *network.EventLoadingFailed:
		if !ev.Canceled {
			b.problems = append(b.problems, "request failed: "+ev.ErrorText)
		}
	case *network.EventWebSocketCreated:
		if strings.Contains(ev.URL, "access_token") {
			b.problems = append(b.problems, "API key in a WebSocket URL: "+ev.URL)
		}
	case *network.EventResponseReceived:
		if ev.Response.Status >= 400 && !b.allowed(b.methods[ev.RequestID], ev.Response.URL, ev.Response.Status) {
			b.problems = append(b.problems, fmt.Sprintf("%s %s: %d", b.methods[ev.RequestID], ev.Response.URL, ev.Response.Status))
		}
	}
}

// do runs actions, each bounded by a minute.
func (b *browser) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// eval evaluates a JavaScript expression into out.
func (b *browser) eval(expr string, out any) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[jsonv2.Value](expr))
	if err != nil {
		b.t.Fatalf("browser: %s: %v", expr, err)
	}
	if err := json.Unmarshal(v, out); err != nil {
		b.t.Fatalf("browser: %s: %v", expr, err)
	}
}

// until waits for a JavaScript expression to be true.
func (b *browser) until(what, expr string, within time.Duration) {
	b.t.Helper()
	testwait.Until(b.t, what, within, func() bool {
		var ok bool
		b.eval("!!("+expr+")", &ok)
		return ok
	})
}

func (b *browser) shot(name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// click clicks the first button whose text is text, within the elements sel.
func (b *browser) click(sel, text string) {
	b.t.Helper()
	var ok bool
	b.eval(fmt.Sprintf(`(() => { const e = [...document.querySelectorAll(%q)].flatMap(r => [...r.querySelectorAll("button")]).find(x => x.textContent.trim() === %q); if (e) e.click(); return !!e })()`, sel, text), &ok)
	if !ok {
		b.t.Fatalf("no button %q in %s", text, sel)
	}
}

// set types a value into the form control sel as a user would, firing input and change.
func (b *browser) set(sel, value string) {
	b.t.Helper()
	var ok bool
	b.eval(fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (!e) return false; e.value = %q; e.dispatchEvent(new Event("input", {bubbles: true})); e.dispatchEvent(new Event("change", {bubbles: true})); return true })()`, sel, value), &ok)
	if !ok {
		b.t.Fatalf("no control %s", sel)
	}
}

func (b *browser) hash(h string) {
	b.t.Helper()
	var ignored string
	b.eval(fmt.Sprintf(`location.hash = %q`, h), &ignored)
}

// TestConsoleInBrowser drives the web console in a real headless Chromium
// against the whole system: sign in, search with filters (histogram and rows
// as /api/logs says), context, live tail with pause and resume, a metric
// chart, a service going late, a rule refused with a field error then
// created, and its alert arriving live. The page must log no error and make
// no failed request but the one refused rule.
func TestConsoleInBrowser(t *testing.T) {
	s := start(t, nil)
	b := newBrowser(t, func(method, u string, status int64) bool {
		// The refused rule, and the sign-in's scope probe with a read key.
		return method == "POST" && strings.HasSuffix(u, "/api/alert-rules") && status == 400 ||
			method == "GET" && strings.HasSuffix(u, "/api/keys") && status == 403
	})
	now := time.Now().UTC()
	at := func(d time.Duration) time.Time { return now.Add(-d) }
	s.ingest("/ingest/logs", adminKey,
		`{"id":"b1","service":"checkout","level":"error","message":"payment declined","host":"web-1","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","ts":"`+at(9*time.Minute).Format(time.RFC3339Nano)+`","attrs":{"http.status":402}}`,
		`{"id":"b2","service":"checkout","level":"info","message":"order placed","host":"web-1","ts":"`+at(8*time.Minute).Format(time.RFC3339Nano)+`"}`,
		`{"id":"b3","service":"checkout","level":"error","message":"card expired","host":"web-1","ts":"`+at(7*time.Minute).Format(time.RFC3339Nano)+`"}`,
		`{"id":"b4","service":"checkout","level":"info","message":"order shipped","host":"web-1","ts":"`+at(6*time.Minute).Format(time.RFC3339Nano)+`"}`,
		`{"id":"b5","service":"checkout","level":"error","message":"gateway timeout","host":"web-1","ts":"`+at(3*time.Minute).Format(time.RFC3339Nano)+`"}`,
		`{"id":"b6","service":"cart","level":"error","message":"cart lost","host":"web-2","ts":"`+at(2*time.Minute).Format(time.RFC3339Nano)+`"}`,
	)

	// Sign in.
	b.do(chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.ID("key")), chromedp.SendKeys(chromedp.ID("key"), adminKey))
	b.shot("01-sign-in")
	b.click("form", "Sign in")
	b.until("the signed-in header", `document.querySelector("header nav")`, 10*time.Second)
	var stored string
	b.eval(`sessionStorage.getItem("lightwatch.key") + "|" + location.href`, &stored)
	if !strings.HasPrefix(stored, adminKey+"|") || strings.Contains(stored, adminKey[3:]+"") && strings.Count(stored, adminKey) != 1 {
		t.Errorf("key storage and URL: %q", stored)
	}

	// Search with filters: the histogram's total and the rows are what the API says.
	from, to := at(time.Hour).Format(time.RFC3339), now.Add(time.Minute).Format(time.RFC3339)
	filters := "service=checkout&level=error"
	b.hash("#/logs?from=" + url.QueryEscape(from) + "&to=" + url.QueryEscape(to) + "&" + filters)
	var want page
	if err := json.Unmarshal(s.get("/api/logs?"+filters+"&from="+url.QueryEscape(from)+"&to="+url.QueryEscape(to), adminKey).Body, &want); err != nil {
		t.Fatal(err)
	}
	wantIDs := itemIDs(want)
	b.until("the result rows", fmt.Sprintf(`document.querySelector("[data-testid=row-count]")?.textContent === "%d"`, len(wantIDs)), 10*time.Second)
	b.until("the histogram", `document.querySelector("[data-testid=hits-total]") && document.querySelector(".histogram canvas")`, 10*time.Second)
	var rows []string
	var total string
	b.eval(`[...document.querySelectorAll(".results .rowbtn")].map(e => e.dataset.id)`, &rows)
	b.eval(`document.querySelector("[data-testid=hits-total]").textContent`, &total)
	var hits struct{ Buckets []struct{ Total int } }
	if err := json.Unmarshal(s.get("/api/logs/hits?"+filters+"&group_by=level&from="+url.QueryEscape(from)+"&to="+url.QueryEscape(to), adminKey).Body, &hits); err != nil {
		t.Fatal(err)
	}
	sum := 0
	for _, h := range hits.Buckets {
		sum += h.Total
	}
	if !slices.Equal(rows, wantIDs) || total != fmt.Sprint(sum) || sum != len(wantIDs) {
		t.Errorf("console shows rows %v and %s hits; /api/logs has %v, /api/logs/hits %d", rows, total, wantIDs, sum)
	}
	// The filter chips are there, and the suggestions come from the field values.
	b.until("suggested services", `[...document.querySelectorAll(".suggest button")].some(e => e.textContent.startsWith("checkout"))`, 10*time.Second)
	b.shot("02-logs-search")

	// Open the newest row, then its context.
	b.do(chromedp.Click(chromedp.CSS(`.results .rowbtn[data-id="b5"]`)))
	b.until("the row detail", `document.querySelector("#detail-title")?.textContent === "Event b5"`, 5*time.Second)
	b.click(".detail", "Show context")
	b.until("the context", `document.querySelectorAll(".context li").length === 5 && document.querySelector(".context li.current")?.textContent.includes("gateway timeout")`, 10*time.Second)
	b.shot("03-context")
	b.do(chromedp.Click(chromedp.CSS(`.results .rowbtn[data-id="b1"]`)))
	b.until("the trace id", `document.querySelector("[data-testid=trace-id]")?.textContent === "4bf92f3577b34da6a3ce929d0e0e4736"`, 5*time.Second)

	// Live tail: an event posted now shows within a second.
	b.hash("#/logs?service=tail&live=1")
	b.until("the live tail to connect", `document.querySelector("[data-testid=live-state]")?.textContent === "live"`, 10*time.Second)
	s.ingest("/ingest/logs", adminKey, `{"service":"tail","level":"warn","message":"hello live"}`)
	posted := time.Now()
	b.until("the live event", `[...document.querySelectorAll(".live .msg")].some(e => e.textContent === "hello live")`, time.Second)
	t.Logf("live tail: the event showed %v after its POST was acknowledged", time.Since(posted).Round(time.Millisecond))
	b.shot("04-live-tail")

	// Pause, post three, resume: all three arrive, once each.
	b.click(".live", "Pause")
	b.until("the pause", `document.querySelector("[data-testid=live-state]")?.textContent === "paused"`, 5*time.Second)
	s.ingest("/ingest/logs", adminKey,
		`{"service":"tail","level":"info","message":"while paused 1"}`,
		`{"service":"tail","level":"info","message":"while paused 2"}`,
		`{"service":"tail","level":"info","message":"while paused 3"}`)
	s.ingest("/ingest/logs", adminKey, `{"service":"other","level":"info","message":"not for this view"}`)
	b.click(".live", "Resume")
	b.until("the events sent while paused", `["while paused 1", "while paused 2", "while paused 3"].every(m => [...document.querySelectorAll(".live .msg")].some(e => e.textContent === m))`, 10*time.Second)
	var shown []string
	b.eval(`[...document.querySelectorAll(".live .msg")].map(e => e.textContent)`, &shown)
	if want := []string{"while paused 3", "while paused 2", "while paused 1", "hello live"}; !slices.Equal(shown, want) {
		t.Errorf("live rows after resume = %q, want %q", shown, want)
	}
	b.shot("05-live-resumed")

	// A metric chart.
	var samples []string
	for i := range 10 {
		samples = append(samples, fmt.Sprintf(`{"service":"web","name":"cpu_usage","type":"gauge","value":%d,"labels":{"core":"0"},"ts":%q}`, 40+i, at(time.Duration(10-i)*time.Minute).Format(time.RFC3339)))
	}
	s.ingest("/ingest/metrics", adminKey, samples...)
	b.hash("#/metrics?name=cpu_usage&from=now-1h&to=now")
	b.until("the metric chart", `document.querySelector("figcaption")?.textContent.startsWith("cpu_usage") && document.querySelector(".chart canvas") && document.querySelector(".u-legend")?.textContent.includes("web core=0")`, 10*time.Second)
	b.shot("06-metrics")

	// A service goes late: a heartbeat every 4 s, then none.
	s.ingest("/ingest/heartbeats", adminKey, `{"service":"billing","instance":"billing-1","status":"up","interval_seconds":4}`)
	b.hash("#/services")
	state := `document.querySelector("[data-service=billing] [data-testid=state]")?.textContent`
	b.until("billing up", state+` === "up"`, 4*time.Second)
	b.shot("07-services-up")
	b.until("billing late", state+` === "late"`, 12*time.Second)
	b.shot("08-services-late")

	// A rule with an invalid field shows the server's error next to it; corrected, it is created.
	b.hash("#/alerts")
	b.until("the rules list", `document.querySelector("#rules-title")`, 10*time.Second)
	b.click("section", "New rule")
	b.until("the rule form", `document.querySelector("#ruleform-title")`, 5*time.Second)
	b.set(`[name="name"]`, "console rule")
	b.set(`[name="filter.service"]`, "alerting")
	b.set(`[name="window"]`, "5 minutes")
	b.set(`[name="threshold"]`, "0")
	b.click("form", "Create rule")
	b.until("the window field's error", `document.querySelector(".field-error[data-field=window]")`, 10*time.Second)
	var fieldErr string
	b.eval(`document.querySelector(".field-error[data-field=window]").textContent`, &fieldErr)
	t.Logf("field error shown: %s", fieldErr)
	b.shot("09-rule-field-error")
	b.set(`[name="window"]`, "10s")
	b.click("form", "Create rule")
	b.until("the new rule in the list", `document.querySelector('tr[data-rule="console rule"]') && !document.querySelector("#ruleform-title")`, 10*time.Second)

	// Its alert fires, and the open page shows it live.
	s.ingest("/ingest/logs", adminKey, `{"service":"alerting","level":"error","message":"boom"}`)
	b.until("the alert, live", `document.querySelector('tr[data-rule="console rule"] .badge')?.textContent === "firing"`, 15*time.Second)
	b.shot("10-alert-firing")

	// Security events: the same explorer.
	s.ingest("/ingest/security-events", adminKey,
		`{"id":"x1","service":"auth","category":"authentication","severity":"high","actor":"mallory","message":"5 failed logins"}`,
		`{"id":"x2","service":"auth","category":"authentication","severity":"low","actor":"alice","message":"login"}`,
		`{"id":"x3","service":"waf","category":"web_attack","severity":"critical","src_ip":"198.51.100.4","message":"sql injection"}`)
	b.hash("#/security?min_severity=high")
	b.until("the security rows", `document.querySelector("[data-testid=row-count]")?.textContent === "2" && document.querySelector("[data-testid=hits-total]")?.textContent === "2"`, 10*time.Second)
	b.eval(`[...document.querySelectorAll(".results .rowbtn")].map(e => e.dataset.id)`, &rows)
	if !slices.Equal(rows, []string{"x3", "x1"}) && !slices.Equal(rows, []string{"x1", "x3"}) {
		t.Errorf("security rows = %v, want x1 and x3", rows)
	}
	b.shot("11-security")

	// Keys: a new key's secret is shown once.
	b.hash("#/keys")
	b.until("the keys page", `document.querySelector("#keys-title")`, 10*time.Second)
	b.set(`form [name="name"]`, "console reader")
	b.click("form", "Create key")
	b.until("the secret", `document.querySelector("[data-testid=secret]")?.textContent.startsWith("lw_")`, 10*time.Second)
	var secret string
	b.eval(`document.querySelector("[data-testid=secret]").textContent`, &secret)
	b.shot("12-keys")

	// Signed in with that read key, the admin pages are gone.
	b.click("header", "Sign out")
	b.until("the sign-in form", `document.querySelector("#key")`, 5*time.Second)
	b.do(chromedp.SendKeys(chromedp.ID("key"), secret))
	b.click("form", "Sign in")
	b.until("the read-only header", `document.querySelector("header nav")`, 10*time.Second)
	var nav []string
	b.eval(`[...document.querySelectorAll("header nav a")].map(a => a.textContent)`, &nav)
	if slices.Contains(nav, "Keys") || len(nav) != 5 {
		t.Errorf("a read key sees pages %v", nav)
	}
	b.hash("#/alerts")
	b.until("the alerts page", `document.querySelector("#alerts-title")`, 10*time.Second)
	var rules bool
	b.eval(`!!document.querySelector("#rules-title")`, &rules)
	if rules {
		t.Error("a read key sees the rule editor")
	}

	// Phone width: the pages still fit.
	b.do(chromedp.EmulateViewport(390, 844))
	b.hash("#/logs?" + filters)
	b.until("the phone layout", `document.querySelector("[data-testid=row-count]")?.textContent === "3" && document.querySelector(".histogram canvas")`, 10*time.Second)
	var overflow int
	b.eval(`document.documentElement.scrollWidth - window.innerWidth`, &overflow)
	if overflow > 0 {
		t.Errorf("at 390 px wide the logs page scrolls sideways by %d px", overflow)
	}
	b.shot("13-phone-logs")
}
