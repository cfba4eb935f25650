package sdktest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/gen/sdk/go/ingestclient"
	"github.com/lightwatch/lightwatch/internal/gen/sdk/go/queryclient"
	"github.com/lightwatch/lightwatch/internal/impl/loadtest"
)

// root is the module root, from this package's directory (where go test runs).
const root = "../../.."

// deadline bounds each wait for a condition and each SDK test run.
const deadline = 60 * time.Second

// live is the spawned server the SDKs talk to.
type live struct {
	url, key string
}

// TestSDKsAgainstLiveServer runs each SDK's test against one real
// cmd/lightwatch process, in parallel, each with its own service name.
func TestSDKsAgainstLiveServer(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds and runs three SDKs")
	}
	srv := startServer(t)
	t.Run("go", func(t *testing.T) { t.Parallel(); testGoSDK(t, srv, "sdk-go") })
	t.Run("typescript", func(t *testing.T) {
		t.Parallel()
		dir := tool(t, "internal/impl/sdktest/typescript", "node_modules/.bin/tsc")
		run(t, dir, nil, filepath.Join(dir, "node_modules/.bin/tsc"), "-p", ".")
		run(t, dir, srv.env("sdk-typescript"), "node", "live.test.mjs")
	})
	t.Run("readme", func(t *testing.T) { t.Parallel(); testReadmeExamples(t, srv) })
	t.Run("python", func(t *testing.T) {
		t.Parallel()
		dir := tool(t, "internal/impl/sdktest/python", ".venv/bin/python")
		gen, err := filepath.Abs(filepath.Join(root, "internal/gen/sdk/python"))
		if err != nil {
			t.Fatal(err)
		}
		env := append(srv.env("sdk-python"), "PYTHONPATH="+gen, "PYTHONDONTWRITEBYTECODE=1")
		run(t, dir, env, filepath.Join(dir, ".venv/bin/python"), "live_test.py")
	})
}

// startServer builds cmd/lightwatch and runs it until the test ends.
func startServer(t *testing.T) live {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "lightwatch")
	args := append(append([]string{"build"}, buildFlags...), "-o", bin, loadtest.ServerPackage)
	if out, err := exec.CommandContext(ctx, "go", args...).CombinedOutput(); err != nil {
		t.Fatalf("build server: %v\n%s", err, out)
	}
	key, err := loadtest.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := loadtest.Spawn(bin, dir, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Stop(30 * time.Second); err != nil {
			t.Errorf("server: %v\n%s", err, srv.LogTail())
		}
	})
	if err := loadtest.WaitReady(ctx, srv.Base, srv.Exited(), deadline); err != nil {
		t.Fatalf("%v\n%s", err, srv.LogTail())
	}
	return live{url: srv.Base, key: key}
}

// env is what the TypeScript and Python tests read: the server, the key and
// the service name their events use (unique per run).
func (l live) env(service string) []string {
	return append(os.Environ(), "LW_URL="+l.url, "LW_KEY="+l.key, "LW_SERVICE="+service+"-"+time.Now().UTC().Format("150405.000000000"))
}

// tool is the absolute path of dir (relative to the module root), failing the
// test when its installed tool (relative to dir) is missing.
func tool(t *testing.T, dir, installed string) string {
	t.Helper()
	abs, err := filepath.Abs(filepath.Join(root, dir))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(abs, installed)); err != nil {
		t.Fatalf("%s is not installed: run `make sdk-tools` (make test does): %v", filepath.Join(dir, installed), err)
	}
	return abs
}

// run runs a command in dir and fails the test, with its output, unless it exits 0.
func run(t *testing.T, dir string, env []string, name string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	if out = bytes.TrimSpace(out); len(out) > 0 {
		t.Logf("%s", out)
	}
}

// testGoSDK does with the generated Go clients what the other languages' tests do.
func testGoSDK(t *testing.T, srv live, service string) {
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	service += "-" + time.Now().UTC().Format("150405.000000000")
	auth := func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer "+srv.key)
		return nil
	}
	ingest, err := ingestclient.NewClientWithResponses(srv.url, ingestclient.WithRequestEditorFn(auth))
	if err != nil {
		t.Fatal(err)
	}
	api, err := queryclient.NewClientWithResponses(srv.url, queryclient.WithRequestEditorFn(auth))
	if err != nil {
		t.Fatal(err)
	}

	level := ingestclient.LogEventLevelError
	var batch []ingestclient.LogEvent
	var ids []string
	for i := range 3 {
		id := service + "-" + strconv.Itoa(i)
		ids = append(ids, id)
		batch = append(batch, ingestclient.LogEvent{Id: &id, Service: service, Level: &level, Message: "go line " + id})
	}
	body, err := json.Marshal(batch) // the batch schema is raw JSON in Go (x-go-type), one event or many
	if err != nil {
		t.Fatal(err)
	}
	resp, err := ingest.IngestLogsWithResponse(ctx, body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.JSON202 == nil || resp.JSON202.Accepted != 3 || !slices.Equal(resp.JSON202.Ids, ids) {
		t.Fatalf("ingest: %s %s", resp.Status(), resp.Body)
	}
	again, err := ingest.IngestLogsWithResponse(ctx, body)
	if err != nil {
		t.Fatal(err)
	}
	if again.JSON202 == nil || again.JSON202.Duplicates == nil || *again.JSON202.Duplicates != 3 {
		t.Fatalf("a retry with the same ids: %s %s", again.Status(), again.Body)
	}

	asc := queryclient.ListLogsParamsOrderAsc
	params := &queryclient.ListLogsParams{Service: &queryclient.Service{service}, Order: &asc}
	var page *queryclient.EventPage
	for stop := time.Now().Add(deadline); ; {
		resp, err := api.ListLogsWithResponse(ctx, params)
		if err != nil {
			t.Fatal(err)
		}
		if resp.JSON200 == nil {
			t.Fatalf("list logs: %s %s", resp.Status(), resp.Body)
		}
		if page = resp.JSON200; len(page.Items) >= len(ids) || time.Now().After(stop) {
			break
		}
		time.Sleep(100 * time.Millisecond) // pacing the poll of a condition, not synchronization
	}
	var got []string
	for _, e := range page.Items {
		got = append(got, e.Id)
		if e.Service != service || e.Log == nil || e.Log.Level != queryclient.LevelError {
			t.Errorf("event %+v", e)
		}
	}
	if !slices.Equal(got, ids) {
		t.Fatalf("logs read back: %v, want %v", got, ids)
	}

	op, threshold := queryclient.Gt, 10.0
	rule, err := json.Marshal(queryclient.LogCountRule{
		Name: service + " errors", Kind: queryclient.LogCountRuleKindLogCount, Threshold: threshold, Op: &op,
		Filter: &queryclient.LogFilter{Service: &service, Level: &[]queryclient.Level{queryclient.LevelError}},
	})
	if err != nil {
		t.Fatal(err)
	}
	created, err := api.CreateAlertRuleWithResponse(ctx, rule)
	if err != nil {
		t.Fatal(err)
	}
	if created.JSON201 == nil || created.JSON201.Kind != queryclient.AlertRuleKindLogCount {
		t.Fatalf("create rule: %s %s", created.Status(), created.Body)
	}
	id := created.JSON201.Id
	fetched, err := api.GetAlertRuleWithResponse(ctx, id)
	if err != nil || fetched.JSON200 == nil || fetched.JSON200.Name != service+" errors" {
		t.Fatalf("get rule: %v %s", err, fetched.Body)
	}
	deleted, err := api.DeleteAlertRuleWithResponse(ctx, id)
	if err != nil || deleted.StatusCode() != http.StatusNoContent {
		t.Fatalf("delete rule: %v %s", err, deleted.Body)
	}
	gone, err := api.GetAlertRuleWithResponse(ctx, id)
	if err != nil || gone.StatusCode() != http.StatusNotFound || gone.ApplicationproblemJSON404 == nil {
		t.Fatalf("deleted rule: %v %s %s", err, gone.Status(), gone.Body)
	}
}
