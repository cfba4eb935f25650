package deploycheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// StaticConfig is the part of Traefik's static configuration that the
// deployment uses. Decoding is strict: a key it does not know (a typo, or an
// option added without a test) is an error.
type StaticConfig struct {
	EntryPoints map[string]EntryPoint `yaml:"entryPoints"`
	Providers   struct {
		Docker *struct {
			ExposedByDefault bool   `yaml:"exposedByDefault"`
			Network          string `yaml:"network"`
			Watch            bool   `yaml:"watch"`
		} `yaml:"docker"`
		File *struct {
			Directory string `yaml:"directory"`
			Watch     bool   `yaml:"watch"`
		} `yaml:"file"`
	} `yaml:"providers"`
	CertificatesResolvers map[string]struct {
		ACME struct {
			Email         string `yaml:"email"`
			Storage       string `yaml:"storage"`
			HTTPChallenge *struct {
				EntryPoint string `yaml:"entryPoint"`
			} `yaml:"httpChallenge"`
		} `yaml:"acme"`
	} `yaml:"certificatesResolvers"`
	Ping *struct {
		EntryPoint string `yaml:"entryPoint"`
	} `yaml:"ping"`
	API *struct {
		Dashboard bool `yaml:"dashboard"`
		Insecure  bool `yaml:"insecure"`
	} `yaml:"api"`
	Log *struct {
		Level  string `yaml:"level"`
		Format string `yaml:"format"`
	} `yaml:"log"`
	AccessLog *struct {
		Format string `yaml:"format"`
		Fields *struct {
			// Names maps access log fields to keep, drop or redact.
			Names   map[string]string `yaml:"names"`
			Headers *struct {
				DefaultMode string `yaml:"defaultMode"`
			} `yaml:"headers"`
		} `yaml:"fields"`
	} `yaml:"accessLog"`
}

// EntryPoint is one of Traefik's listening addresses.
type EntryPoint struct {
	Address   string `yaml:"address"`
	AsDefault bool   `yaml:"asDefault"`
	HTTP      *struct {
		Redirections *struct {
			EntryPoint struct {
				To     string `yaml:"to"`
				Scheme string `yaml:"scheme"`
			} `yaml:"entryPoint"`
		} `yaml:"redirections"`
		TLS *struct {
			CertResolver string `yaml:"certResolver"`
		} `yaml:"tls"`
	} `yaml:"http"`
}

// DynamicConfig is Traefik's dynamic HTTP configuration, from a file of the
// file provider or from container labels.
type DynamicConfig struct {
	HTTP HTTPConfig `yaml:"http" json:"http"`
}

// HTTPConfig holds routers, services and middlewares by name.
type HTTPConfig struct {
	Routers     map[string]Router     `yaml:"routers" json:"routers"`
	Services    map[string]Service    `yaml:"services" json:"services"`
	Middlewares map[string]Middleware `yaml:"middlewares" json:"middlewares"`
}

// Router matches requests by its rule and sends them to its service.
type Router struct {
	Rule        string     `yaml:"rule" json:"rule"`
	Service     string     `yaml:"service" json:"service"`
	EntryPoints List       `yaml:"entryPoints" json:"entryPoints"`
	Middlewares List       `yaml:"middlewares" json:"middlewares"`
	TLS         *RouterTLS `yaml:"tls" json:"tls"`
}

// RouterTLS makes a router serve HTTPS with a certificate from a resolver.
type RouterTLS struct {
	CertResolver string `yaml:"certResolver" json:"certResolver"`
	Domains      []struct {
		Main string `yaml:"main" json:"main"`
	} `yaml:"domains" json:"domains"`
}

// Service balances requests over the servers (containers) it has found.
type Service struct {
	LoadBalancer struct {
		Server struct {
			Port string `yaml:"port" json:"port"`
		} `yaml:"server" json:"server"`
		HealthCheck *struct {
			Path     string `yaml:"path" json:"path"`
			Interval string `yaml:"interval" json:"interval"`
			Timeout  string `yaml:"timeout" json:"timeout"`
		} `yaml:"healthCheck" json:"healthCheck"`
	} `yaml:"loadBalancer" json:"loadBalancer"`
}

// Middleware is one of the middlewares the deployment uses.
type Middleware struct {
	RateLimit *struct {
		Average int    `yaml:"average" json:"average"`
		Burst   int    `yaml:"burst" json:"burst"`
		Period  string `yaml:"period" json:"period"`
	} `yaml:"rateLimit" json:"rateLimit"`
}

// List is a list that Traefik labels write as one comma-separated string.
type List []string

// UnmarshalJSON accepts ["a","b"] and "a,b".
func (l *List) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*l = nil
		for _, v := range strings.Split(s, ",") {
			if v = strings.TrimSpace(v); v != "" {
				*l = append(*l, v)
			}
		}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(l))
}

// ReadYAML decodes a Traefik YAML file strictly into v.
func ReadYAML(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// labelIndex is a label key's list index, as in tls.domains[0].main.
var labelIndex = regexp.MustCompile(`^(\w+)\[(\d+)\]$`)

// FromLabels reads the traefik.http.* labels of one container the way
// Traefik's Docker provider does: keys are dotted paths into the dynamic
// configuration, matched case-insensitively (loadbalancer = loadBalancer).
// It also returns traefik.enable. Keys that DynamicConfig does not know are
// an error.
func FromLabels(labels map[string]string) (cfg HTTPConfig, enabled bool, err error) {
	tree := map[string]any{}
	for k, v := range labels {
		if k == "traefik.enable" {
			enabled = v == "true"
			continue
		}
		rest, ok := strings.CutPrefix(k, "traefik.http.")
		if !ok {
			if strings.HasPrefix(k, "traefik.") {
				return HTTPConfig{}, false, fmt.Errorf("label %s: only traefik.enable and traefik.http.* are checked", k)
			}
			continue
		}
		node := tree
		parts := strings.Split(rest, ".")
		for i, p := range parts {
			last := i == len(parts)-1
			if m := labelIndex.FindStringSubmatch(p); m != nil {
				// A list element: a list of one map is all the deployment uses.
				if m[2] != "0" || last {
					return HTTPConfig{}, false, fmt.Errorf("label %s: only [0] of a list of objects is supported", k)
				}
				child, _ := node[m[1]].([]any)
				if child == nil {
					child = []any{map[string]any{}}
					node[m[1]] = child
				}
				node = child[0].(map[string]any)
				continue
			}
			if last {
				node[p] = v
				continue
			}
			child, _ := node[p].(map[string]any)
			if child == nil {
				child = map[string]any{}
				node[p] = child
			}
			node = child
		}
	}
	b, err := json.Marshal(tree)
	if err != nil {
		return HTTPConfig{}, false, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return HTTPConfig{}, false, fmt.Errorf("traefik labels: %w", err)
	}
	return cfg, enabled, nil
}

// ruleMatcher is one of the two rule forms the deployment uses; a rule is one
// of them or several joined by ||.
var ruleMatcher = regexp.MustCompile("^(PathPrefix|Path)\\(`(/[^`]*)`\\)$")

// Matcher is one matcher of a router's rule: the path itself (Path) or
// every path under it (PathPrefix).
type Matcher struct {
	Path  string
	Exact bool
}

// Matches reports whether the matcher admits path.
func (m Matcher) Matches(path string) bool {
	if m.Exact {
		return path == m.Path
	}
	return strings.HasPrefix(path, m.Path)
}

// PathRule reads a rule of Path(`/p`) and PathPrefix(`/p/`) matchers joined
// by ||, or returns an error for any other rule.
func PathRule(rule string) ([]Matcher, error) {
	var out []Matcher
	for _, part := range strings.Split(rule, "||") {
		m := ruleMatcher.FindStringSubmatch(strings.TrimSpace(part))
		if m == nil {
			return nil, fmt.Errorf("rule %q: want PathPrefix(`/prefix/`) or Path(`/path`), joined by ||", rule)
		}
		out = append(out, Matcher{Path: m[2], Exact: m[1] == "Path"})
	}
	return out, nil
}

// PathPrefix returns the prefix of a rule PathPrefix(`/p/`), or an error for
// any other rule.
func PathPrefix(rule string) (string, error) {
	ms, err := PathRule(rule)
	if err != nil || len(ms) != 1 || ms[0].Exact {
		return "", fmt.Errorf("rule %q: want PathPrefix(`/prefix/`)", rule)
	}
	return ms[0].Path, nil
}

// MiddlewareRefs lists the middlewares routes refer to, sorted and unique.
func MiddlewareRefs(routes []Route) []string {
	set := map[string]bool{}
	for _, r := range routes {
		for _, m := range r.Middlewares {
			set[m] = true
		}
	}
	out := make([]string, 0, len(set))
	for m := range set {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}
