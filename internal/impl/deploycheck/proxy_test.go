package deploycheck_test

import (
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/lightwatch/lightwatch/internal/impl/deploycheck"
)

// gateway stands in for Traefik: it routes by the path rules of the
// compose labels (deploycheck.Routes) and balances round-robin over each
// service's instances, as Traefik's default weighted round robin does with
// equal weights. WebSocket upgrades pass through httputil.ReverseProxy,
// which hijacks both sides and copies bytes, like Traefik.
type gateway struct {
	routes   []*gatewayRoute
	mu       sync.Mutex
	requests map[string]int // by instance base URL
}

type gatewayRoute struct {
	route     deploycheck.Route
	instances []*url.URL
	proxies   []*httputil.ReverseProxy
	next      atomic.Uint64
}

// newGateway routes every route's paths to the instances of its backend.
func newGateway(t *testing.T, routes []deploycheck.Route, instances map[string][]string) *gateway {
	t.Helper()
	g := &gateway{requests: map[string]int{}}
	for _, r := range routes {
		bases := instances[r.Backend]
		if len(bases) == 0 {
			t.Fatalf("no instance of %s for router %s", r.Backend, r.Router)
		}
		gr := &gatewayRoute{route: r}
		for _, b := range bases {
			u, err := url.Parse(b)
			if err != nil {
				t.Fatal(err)
			}
			gr.instances = append(gr.instances, u)
			gr.proxies = append(gr.proxies, &httputil.ReverseProxy{
				Rewrite: func(pr *httputil.ProxyRequest) {
					pr.SetURL(u)
					pr.SetXForwarded()
				},
			})
		}
		g.routes = append(g.routes, gr)
	}
	return g
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for _, gr := range g.routes {
		if !gr.route.Matches(r.URL.Path) {
			continue
		}
		i := int((gr.next.Add(1) - 1) % uint64(len(gr.instances)))
		g.mu.Lock()
		g.requests[gr.instances[i].String()]++
		g.mu.Unlock()
		gr.proxies[i].ServeHTTP(w, r)
		return
	}
	http.NotFound(w, r) // Traefik answers 404 when no router matches
}

// served is how many requests the gateway sent to the instance at base.
func (g *gateway) served(base string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.requests[base]
}
