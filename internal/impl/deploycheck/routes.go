package deploycheck

import (
	"fmt"
	"sort"

	"github.com/compose-spec/compose-go/v2/types"
)

// Route is what Traefik makes of one router in a container's labels: requests
// whose path one of Matchers admits go to every healthy container of the
// compose service Backend, on Port.
type Route struct {
	Router      string
	Matchers    []Matcher // at least one
	Backend     string    // compose service
	Port        string
	HealthPath  string
	Middlewares []string
	TLS         *RouterTLS
}

// Routes reads the routing table from the labels of a compose project's
// services, sorted by prefix.
func Routes(p *types.Project) ([]Route, error) {
	var out []Route
	for name, svc := range p.Services {
		cfg, enabled, err := FromLabels(svc.Labels)
		if err != nil {
			return nil, fmt.Errorf("service %s: %w", name, err)
		}
		if !enabled {
			if len(cfg.Routers) > 0 {
				return nil, fmt.Errorf("service %s: routers without traefik.enable=true (exposedByDefault is off)", name)
			}
			continue
		}
		for rname, r := range cfg.Routers {
			ms, err := PathRule(r.Rule)
			if err != nil {
				return nil, fmt.Errorf("service %s, router %s: %w", name, rname, err)
			}
			s, ok := cfg.Services[r.Service]
			if !ok {
				return nil, fmt.Errorf("service %s, router %s: its service %q is not defined on the same container", name, rname, r.Service)
			}
			route := Route{Router: rname, Matchers: ms, Backend: name, Port: s.LoadBalancer.Server.Port, Middlewares: r.Middlewares, TLS: r.TLS}
			if hc := s.LoadBalancer.HealthCheck; hc != nil {
				route.HealthPath = hc.Path
			}
			out = append(out, route)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Prefix() < out[j].Prefix() })
	return out, nil
}

// Prefix is the path of the route's first matcher, which names it.
func (r Route) Prefix() string { return r.Matchers[0].Path }

// Matches reports whether the route takes a request for path.
func (r Route) Matches(path string) bool {
	for _, m := range r.Matchers {
		if m.Matches(path) {
			return true
		}
	}
	return false
}
