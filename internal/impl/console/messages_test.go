package console_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestMessageTypesFollowAsyncAPI keeps the console's realtime message types
// (web/console/src/types.ts) in step with asyncapi/realtime.yaml: each
// interface names its message's type and every property the document
// requires, and nothing the document does not define.
func TestMessageTypesFollowAsyncAPI(t *testing.T) {
	raw, err := os.ReadFile("../../../asyncapi/realtime.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Required   []string `yaml:"required"`
				Properties map[string]struct {
					Const any `yaml:"const"`
				} `yaml:"properties"`
			} `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	ts, err := os.ReadFile("../../../web/console/src/types.ts")
	if err != nil {
		t.Fatal(err)
	}
	// The console's interface and the document's schema it follows.
	for iface, schema := range map[string]string{
		"EventMessage": "LogEventMessage", "AlertMessage": "AlertMessage", "SubscribedMessage": "LogsSubscribedMessage",
		"LaggedMessage": "LaggedMessage", "ResetMessage": "ResetMessage", "ErrorMessage": "ErrorMessage",
	} {
		m := regexp.MustCompile(`export interface ` + iface + ` \{([^}]*)\}`).FindSubmatch(ts)
		if m == nil {
			t.Errorf("types.ts has no interface %s", iface)
			continue
		}
		props := map[string]string{}
		for _, field := range strings.Split(string(m[1]), ";") {
			name, typ, ok := strings.Cut(strings.TrimSpace(field), ":")
			if ok {
				props[strings.TrimSuffix(name, "?")] = strings.TrimSpace(typ)
			}
		}
		s, ok := doc.Components.Schemas[schema]
		if !ok {
			t.Errorf("asyncapi/realtime.yaml has no schema %s", schema)
			continue
		}
		for _, r := range s.Required {
			if _, ok := props[r]; !ok {
				t.Errorf("%s lacks %s, which %s requires", iface, r, schema)
			}
		}
		for name := range props {
			if _, ok := s.Properties[name]; !ok {
				t.Errorf("%s has %s, which %s does not define", iface, name, schema)
			}
		}
		if want := `"` + s.Properties["type"].Const.(string) + `"`; props["type"] != want {
			t.Errorf("%s.type is %s, want %s", iface, props["type"], want)
		}
		if c, ok := s.Properties["channel"].Const.(string); ok && !slices.Contains(strings.Split(props["channel"], " | "), `"`+c+`"`) {
			t.Errorf("%s.channel is %s, which does not admit %q", iface, props["channel"], c)
		}
	}
}
