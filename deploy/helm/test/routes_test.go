package helmtest

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	"sigs.k8s.io/yaml"
)

// composeRoute is one Traefik router of compose.yaml's labels.
type composeRoute struct {
	prefix, service, middleware string
}

var pathPrefix = regexp.MustCompile("PathPrefix\\(`([^`]*)`\\)")

// composeRoutes reads the routers of compose.yaml: path prefix, compose
// service and file-provider middleware.
func composeRoutes(t *testing.T) []composeRoute {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot, "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Services map[string]struct {
			Labels map[string]string `json:"labels"`
		} `json:"services"`
	}
	if err := yaml.Unmarshal(raw, &compose); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	var out []composeRoute
	for name, svc := range compose.Services {
		for k, v := range svc.Labels {
			router, ok := strings.CutPrefix(k, "traefik.http.routers.")
			if !ok || !strings.HasSuffix(router, ".rule") {
				continue
			}
			router = strings.TrimSuffix(router, ".rule")
			m := pathPrefix.FindStringSubmatch(v)
			if m == nil {
				t.Fatalf("compose.yaml: router %s: rule %q has no PathPrefix", router, v)
			}
			mw := strings.TrimSuffix(svc.Labels["traefik.http.routers."+router+".middlewares"], "@file")
			out = append(out, composeRoute{prefix: m[1], service: name, middleware: mw})
		}
	}
	if len(out) < 3 {
		t.Fatalf("compose.yaml: %d routers, want ingest, api and realtime", len(out))
	}
	return out
}

// fileMiddlewares reads deploy/traefik/dynamic/middlewares.yml.
func fileMiddlewares(t *testing.T) map[string]RateLimit {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot, "deploy/traefik/dynamic/middlewares.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		HTTP struct {
			Middlewares map[string]struct {
				RateLimit RateLimit `json:"rateLimit"`
			} `json:"middlewares"`
		} `json:"http"`
	}
	if err := yaml.UnmarshalStrict(raw, &file); err != nil {
		t.Fatalf("middlewares.yml: %v", err)
	}
	out := map[string]RateLimit{}
	for name, m := range file.HTTP.Middlewares {
		out[name] = m.RateLimit
	}
	return out
}

// The IngressRoute routes as compose.yaml does, path for path, to the same
// component with the same rate limit, and sends / (the web console) to the
// API; in single-node mode every route goes to the one Service.
func TestIngressRouteRoutesAsCompose(t *testing.T) {
	routes := composeRoutes(t)
	limits := fileMiddlewares(t)
	for _, mode := range []string{"scaleOut", "singleNode"} {
		t.Run(mode, func(t *testing.T) {
			objs := mustRender(t, withSecrets(map[string]any{"mode": mode}))
			irs := only[*IngressRoute](objs)
			if len(irs) != 1 {
				t.Fatalf("%d IngressRoutes, want 1", len(irs))
			}
			mws := map[string]RateLimit{}
			for _, m := range only[*Middleware](objs) {
				mws[m.Name] = *m.Spec.RateLimit
			}
			type target struct{ service, middleware string }
			got := map[string]target{}
			for _, r := range irs[0].Spec.Routes {
				m := pathPrefix.FindStringSubmatch(r.Match)
				if m == nil || len(r.Services) != 1 || len(r.Middlewares) != 1 {
					t.Fatalf("route %q: want one PathPrefix, one Service, one middleware", r.Match)
				}
				if !strings.Contains(r.Match, "Host(`lightwatch.example.com`)") {
					t.Errorf("route %q does not match the host", r.Match)
				}
				got[m[1]] = target{r.Services[0].Name, r.Middlewares[0].Name}
			}
			service := func(component string) string {
				if mode == "singleNode" {
					return "lw-lightwatch-lightwatch"
				}
				return "lw-lightwatch-" + component
			}
			want := map[string]composeRoute{"/": {prefix: "/", service: "api", middleware: "api-ratelimit"}}
			for _, r := range routes {
				want[r.prefix] = r
			}
			for prefix, r := range want {
				g, ok := got[prefix]
				if !ok {
					t.Errorf("no route for %s (compose routes it to %s)", prefix, r.service)
					continue
				}
				if g.service != service(r.service) {
					t.Errorf("%s goes to %s, want %s", prefix, g.service, service(r.service))
				}
				if mws[g.middleware] != limits[r.middleware] {
					t.Errorf("%s: rate limit %+v, want %s's %+v", prefix, mws[g.middleware], r.middleware, limits[r.middleware])
				}
			}
			if len(got) != len(want) {
				t.Errorf("routes %v, want exactly %v", got, want)
			}
		})
	}
}

// The plain Ingress routes the same paths to the same components.
func TestIngressRoutesAsCompose(t *testing.T) {
	objs := mustRender(t, withSecrets(map[string]any{"routing": map[string]any{"type": "ingress"}}))
	ings := only[*networkingv1.Ingress](objs)
	if len(ings) != 1 || len(only[*IngressRoute](objs)) != 0 {
		t.Fatalf("%d Ingresses and %d IngressRoutes, want one Ingress only", len(ings), len(only[*IngressRoute](objs)))
	}
	got := map[string]string{}
	for _, p := range ings[0].Spec.Rules[0].HTTP.Paths {
		if p.PathType == nil || *p.PathType != networkingv1.PathTypePrefix {
			t.Errorf("%s: path type %v, want Prefix", p.Path, p.PathType)
		}
		got[p.Path] = p.Backend.Service.Name
	}
	want := map[string]string{"/": "lw-lightwatch-api"}
	for _, r := range composeRoutes(t) {
		want[strings.TrimSuffix(r.prefix, "/")] = "lw-lightwatch-" + r.service
	}
	for path, svc := range want {
		if got[path] != svc {
			t.Errorf("%s goes to %q, want %s", path, got[path], svc)
		}
	}
	if len(got) != len(want) {
		t.Errorf("paths %v, want %v", got, want)
	}
	if tls := ings[0].Spec.TLS; len(tls) != 1 || tls[0].SecretName != "lightwatch-tls" || len(tls[0].Hosts) != 1 {
		t.Errorf("TLS %+v, want the lightwatch-tls Secret for the host", tls)
	}
}

// TLS: from an existing Secret by default; with a cert-manager issuer, a
// Certificate fills that Secret (IngressRoute) or the Ingress carries the
// issuer's annotation.
func TestTLSFromCertManager(t *testing.T) {
	cm := map[string]any{"tls": map[string]any{"certManager": map[string]any{"issuer": "letsencrypt"}}}
	objs := mustRender(t, withSecrets(map[string]any{"routing": cm}))
	certs := only[*Certificate](objs)
	if len(certs) != 1 || certs[0].Spec.SecretName != "lightwatch-tls" || certs[0].Spec.IssuerRef.Name != "letsencrypt" ||
		certs[0].Spec.IssuerRef.Kind != "ClusterIssuer" || len(certs[0].Spec.DNSNames) != 1 || certs[0].Spec.DNSNames[0] != "lightwatch.example.com" {
		t.Errorf("Certificates %+v, want one for the host into lightwatch-tls from ClusterIssuer letsencrypt", certs)
	}
	if irs := only[*IngressRoute](objs); irs[0].Spec.TLS == nil || irs[0].Spec.TLS.SecretName != "lightwatch-tls" {
		t.Errorf("IngressRoute TLS %+v", irs[0].Spec.TLS)
	}
	if len(only[*Certificate](mustRender(t, withSecrets(map[string]any{})))) != 0 {
		t.Error("a Certificate without an issuer")
	}
	cm["type"] = "ingress"
	ing := only[*networkingv1.Ingress](mustRender(t, withSecrets(map[string]any{"routing": cm})))[0]
	if ing.Annotations["cert-manager.io/cluster-issuer"] != "letsencrypt" {
		t.Errorf("Ingress annotations %v, want cert-manager.io/cluster-issuer: letsencrypt", ing.Annotations)
	}
}
