package helmtest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/chart/v2/lint"
	"helm.sh/helm/v4/pkg/chart/v2/lint/support"
	"sigs.k8s.io/yaml"
)

// `helm lint` (the same rules, through Helm's lint package) passes with no
// warning in both modes.
func TestHelmLint(t *testing.T) {
	for name, vals := range map[string]map[string]any{
		"scaleOut":   withSecrets(map[string]any{}),
		"singleNode": {"mode": "singleNode"},
	} {
		t.Run(name, func(t *testing.T) {
			kv := kubeVersion
			res := lint.RunAll(chartDir, vals, namespace, lint.WithKubeVersion(&kv))
			for _, m := range res.Messages {
				if m.Severity >= support.WarningSev {
					t.Errorf("helm lint: %s", m)
				}
			}
		})
	}
}

// The chart's README lists every value with its default, in a row
// "| `path` | `default` | ... |" (defaults as JSON).
func TestREADMEListsEveryValue(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(chartDir, "values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var vals map[string]any
	if err := yaml.Unmarshal(raw, &vals); err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(chartDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for _, row := range valueRows("", vals) {
		if !strings.Contains(string(readme), row) {
			missing = append(missing, row+" ... |")
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("deploy/helm/lightwatch/README.md lacks these rows (or their defaults changed):\n%s", strings.Join(missing, "\n"))
	}
}

// valueRows flattens values to one row start per leaf: a scalar, a list,
// or an empty map.
func valueRows(prefix string, v any) []string {
	m, ok := v.(map[string]any)
	if ok && len(m) > 0 {
		var out []string
		for k, sub := range m {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			out = append(out, valueRows(p, sub)...)
		}
		return out
	}
	def, _ := json.Marshal(v)
	return []string{"| `" + prefix + "` | `" + string(def) + "` |"}
}
