package helmtest

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/strvals"
	"sigs.k8s.io/yaml"
)

var setFlag = regexp.MustCompile(`--set ([^ ]+)`)

// helmInstalls returns the `helm install` commands of a Markdown file's sh
// blocks, continuation lines joined.
func helmInstalls(t *testing.T, path string) []string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	inBlock := false
	cmd := ""
	for _, line := range strings.Split(string(raw), "\n") {
		switch {
		case strings.HasPrefix(line, "```sh"):
			inBlock = true
			continue
		case strings.HasPrefix(line, "```"):
			inBlock = false
			continue
		case !inBlock:
			continue
		}
		cmd += strings.TrimSpace(strings.TrimSuffix(line, "\\")) + " "
		if strings.HasSuffix(line, "\\") {
			continue
		}
		if strings.HasPrefix(cmd, "helm install ") {
			out = append(out, cmd)
		}
		cmd = ""
	}
	return out
}

// The docs' `helm install` commands render and pass the checks: the values
// they set exist and are enough for their mode.
func TestDocumentedInstallsRender(t *testing.T) {
	docs := []string{filepath.Join(repoRoot, "deploy/README.md"), filepath.Join(chartDir, "README.md")}
	n := 0
	for _, doc := range docs {
		for _, cmd := range helmInstalls(t, doc) {
			n++
			vals := map[string]any{}
			for _, m := range setFlag.FindAllStringSubmatch(cmd, -1) {
				if err := strvals.ParseInto(m[1], vals); err != nil {
					t.Fatalf("%s: %s: %v", doc, m[1], err)
				}
			}
			objs, err := render(t, vals)
			if err != nil {
				t.Errorf("%s: %s\n%v", doc, cmd, err)
				continue
			}
			checkWorkloads(t, objs)
			checkRouting(t, objs)
			checkUnknownValues(t, vals, doc)
		}
	}
	if n < 3 {
		t.Fatalf("found %d helm install commands in the docs, want the scale-out and single-node ones at least", n)
	}
}

// checkUnknownValues fails on a value the chart's values.yaml does not have
// (a misspelt --set is otherwise silently ignored).
func checkUnknownValues(t *testing.T, vals map[string]any, doc string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(chartDir, "values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var defaults map[string]any
	if err := yaml.Unmarshal(raw, &defaults); err != nil {
		t.Fatal(err)
	}
	var walk func(prefix string, v, def map[string]any)
	walk = func(prefix string, v, def map[string]any) {
		for k, sub := range v {
			d, ok := def[k]
			if !ok {
				t.Errorf("%s: --set %s%s: no such value", doc, prefix, k)
				continue
			}
			sm, ok1 := sub.(map[string]any)
			dm, ok2 := d.(map[string]any)
			if ok1 && ok2 && len(dm) > 0 {
				walk(prefix+k+".", sm, dm)
			}
		}
	}
	walk("", vals, defaults)
}
