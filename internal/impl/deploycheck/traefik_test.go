package deploycheck_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lightwatch/lightwatch/internal/impl/deploycheck"
)

// Traefik's routers, read from the compose labels as its Docker provider
// reads them, send each prefix the seed names to its service, with a
// readiness health check and a rate limit defined in the dynamic file.
func TestTraefikRoutesTheSeedsPrefixes(t *testing.T) {
	p := loadCompose(t, map[string]string{"LIGHTWATCH_BOOTSTRAP_KEY": testKey}, repoPath("compose.yaml"))
	routes, err := deploycheck.Routes(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(routes) != len(lightwatchServices)+1 {
		t.Fatalf("routes = %+v, want one per service of %v and the console's", routes, lightwatchServices)
	}
	dynamic := readDynamic(t)
	for _, r := range routes {
		if r.Router == consoleRouter {
			if r.Backend != "api" || fmt.Sprint(r.Matchers) != consoleMatchers {
				t.Errorf("router %s sends %v to %s; want %s to api", r.Router, r.Matchers, r.Backend, consoleMatchers)
			}
		} else if want, ok := lightwatchServices[r.Backend]; !ok || r.Prefix() != want || len(r.Matchers) != 1 || r.Matchers[0].Exact {
			t.Errorf("router %s sends %v to %s; want %s under %s", r.Router, r.Matchers, r.Backend, r.Backend, want)
		}
		s := p.Services[r.Backend]
		if len(s.Expose) != 1 || r.Port != s.Expose[0] {
			t.Errorf("router %s: service port %s, but %s exposes %v", r.Router, r.Port, r.Backend, s.Expose)
		}
		if r.HealthPath != "/readyz" {
			t.Errorf("router %s: health check path %q, want /readyz", r.Router, r.HealthPath)
		}
		if len(r.Middlewares) == 0 {
			t.Errorf("router %s has no rate limit", r.Router)
		}
		for _, m := range r.Middlewares {
			name, ok := strings.CutSuffix(m, "@file")
			if !ok {
				t.Errorf("router %s: middleware %s is not from the file provider", r.Router, m)
				continue
			}
			mw, ok := dynamic.HTTP.Middlewares[name]
			if !ok {
				t.Errorf("router %s: middleware %s is not defined in deploy/traefik/dynamic", r.Router, name)
				continue
			}
			if rl := mw.RateLimit; rl == nil || rl.Average <= 0 || rl.Burst < rl.Average || rl.Period == "" {
				t.Errorf("middleware %s: rateLimit %+v, want average > 0, burst >= average and a period", name, rl)
			}
		}
	}
	// Each request path reaches the service that serves it, and nothing else
	// is exposed (/metrics and /readyz stay inside).
	for path, want := range map[string]string{
		"/ingest/logs": "ingest", "/ingest/security-events": "ingest",
		"/api/logs": "api", "/api/docs/": "api", "/api/openapi.json": "api",
		"/ws/logs": "realtime", "/ws/alerts": "realtime",
		"/": "api", "/assets/app.js": "api", // the web console
		"/metrics": "", "/readyz": "", "/healthz": "", "/ingestion": "", "/index.html": "", "/assets": "",
	} {
		got := ""
		for _, r := range routes {
			if r.Matches(path) {
				if got != "" {
					t.Errorf("%s matches two routers", path)
				}
				got = r.Backend
			}
		}
		if got != want {
			t.Errorf("%s goes to %q, want %q", path, got, want)
		}
	}
	// Every middleware the file defines is used: no dead configuration.
	used := deploycheck.MiddlewareRefs(routes)
	for name := range dynamic.HTTP.Middlewares {
		if !slices.Contains(used, name+"@file") {
			t.Errorf("middleware %s is defined but no router uses it", name)
		}
	}

	var st deploycheck.StaticConfig
	if err := deploycheck.ReadYAML(repoPath("deploy", "traefik", "traefik.yml"), &st); err != nil {
		t.Fatal(err)
	}
	if web := st.EntryPoints["web"]; web.Address != ":80" || !web.AsDefault {
		t.Errorf("entry point web = %+v, want :80 and the default of routers", web)
	}
	for _, r := range routes {
		if r.TLS != nil {
			t.Errorf("router %s has TLS in the plain-HTTP deployment", r.Router)
		}
	}
}

// deploy/compose.tls.yaml turns on HTTPS: :443, the TLS static configuration
// in place of the plain one, every router with the ACME resolver for
// LIGHTWATCH_DOMAIN, :80 redirected.
func TestTraefikTLSOverride(t *testing.T) {
	env := map[string]string{"LIGHTWATCH_BOOTSTRAP_KEY": testKey, "LIGHTWATCH_DOMAIN": "lightwatch.example.com"}
	p := loadCompose(t, env, repoPath("compose.yaml"), repoPath("deploy", "compose.tls.yaml"))
	checkTraefikService(t, p, "traefik-tls.yml")
	var has443 bool
	for _, port := range service(t, p, "traefik").Ports {
		has443 = has443 || (port.Published == "443" && port.Target == 443)
	}
	if !has443 {
		t.Error("traefik does not publish 443")
	}
	var st deploycheck.StaticConfig
	if err := deploycheck.ReadYAML(repoPath("deploy", "traefik", "traefik-tls.yml"), &st); err != nil {
		t.Fatal(err)
	}
	web, secure := st.EntryPoints["web"], st.EntryPoints["websecure"]
	if web.HTTP == nil || web.HTTP.Redirections == nil || web.HTTP.Redirections.EntryPoint.To != "websecure" || web.AsDefault {
		t.Errorf("entry point web = %+v, want a redirect to websecure and not a router default", web)
	}
	if secure.Address != ":443" || !secure.AsDefault {
		t.Errorf("entry point websecure = %+v, want :443 and the default of routers", secure)
	}
	routes, err := deploycheck.Routes(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(routes) != len(lightwatchServices)+1 {
		t.Fatalf("routes = %+v", routes)
	}
	for _, r := range routes {
		if r.Router != consoleRouter && r.Prefix() != lightwatchServices[r.Backend] || r.Router == consoleRouter && fmt.Sprint(r.Matchers) != consoleMatchers {
			t.Errorf("the override changed router %s to %s", r.Router, r.Prefix())
		}
		if r.TLS == nil || len(r.TLS.Domains) != 1 || r.TLS.Domains[0].Main != env["LIGHTWATCH_DOMAIN"] {
			t.Errorf("router %s: tls %+v, want the domain %s", r.Router, r.TLS, env["LIGHTWATCH_DOMAIN"])
			continue
		}
		res, ok := st.CertificatesResolvers[r.TLS.CertResolver]
		if !ok {
			t.Errorf("router %s: resolver %q is not defined", r.Router, r.TLS.CertResolver)
			continue
		}
		if res.ACME.HTTPChallenge == nil || res.ACME.HTTPChallenge.EntryPoint != "web" {
			t.Errorf("resolver %s: want the HTTP-01 challenge on web (:80)", r.TLS.CertResolver)
		}
		if !strings.HasPrefix(res.ACME.Storage, "/etc/traefik/acme/") {
			t.Errorf("resolver %s stores certificates in %s, not on the acme volume", r.TLS.CertResolver, res.ACME.Storage)
		}
	}
	acme := false
	for _, v := range service(t, p, "traefik").Volumes {
		acme = acme || (v.Target == "/etc/traefik/acme" && v.Source == "acme")
	}
	if _, ok := p.Volumes["acme"]; !ok || !acme {
		t.Error("certificates are not kept on the acme volume")
	}

	delete(env, "LIGHTWATCH_DOMAIN")
	if _, err := deploycheck.LoadCompose(t.Context(), env, repoPath("compose.yaml"), repoPath("deploy", "compose.tls.yaml")); err == nil || !strings.Contains(err.Error(), "LIGHTWATCH_DOMAIN") {
		t.Errorf("TLS without LIGHTWATCH_DOMAIN: err = %v, want it named", err)
	}
}

func readDynamic(t *testing.T) deploycheck.DynamicConfig {
	t.Helper()
	files, err := filepath.Glob(repoPath("deploy", "traefik", "dynamic", "*.yml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no dynamic configuration in deploy/traefik/dynamic (%v)", err)
	}
	var all deploycheck.DynamicConfig
	all.HTTP.Middlewares = map[string]deploycheck.Middleware{}
	for _, f := range files {
		var d deploycheck.DynamicConfig
		if err := deploycheck.ReadYAML(f, &d); err != nil {
			t.Fatal(err)
		}
		if len(d.HTTP.Routers) > 0 || len(d.HTTP.Services) > 0 {
			t.Errorf("%s defines routers or services; they belong in the compose labels, where Traefik finds every replica", f)
		}
		for n, m := range d.HTTP.Middlewares {
			if _, dup := all.HTTP.Middlewares[n]; dup {
				t.Errorf("middleware %s is defined twice", n)
			}
			all.HTTP.Middlewares[n] = m
		}
	}
	return all
}

// Traefik's access log (both static configurations) never records a query
// string, where a browser's WebSocket key may travel (access_token), nor any
// request header (Authorization, Sec-WebSocket-Protocol).
func TestTraefikAccessLogKeepsKeysOut(t *testing.T) {
	for _, name := range []string{"traefik.yml", "traefik-tls.yml"} {
		var st deploycheck.StaticConfig
		if err := deploycheck.ReadYAML(repoPath("deploy/traefik/"+name), &st); err != nil {
			t.Fatal(err)
		}
		al := st.AccessLog
		if al == nil || al.Fields == nil {
			t.Errorf("%s: accessLog.fields unset, the query string would be logged", name)
			continue
		}
		for _, f := range []string{"RequestPath", "RequestLine"} {
			if al.Fields.Names[f] != "drop" {
				t.Errorf("%s: accessLog field %s is %q, want drop", name, f, al.Fields.Names[f])
			}
		}
		if al.Fields.Headers == nil || al.Fields.Headers.DefaultMode != "drop" {
			t.Errorf("%s: access log headers %+v, want defaultMode drop", name, al.Fields.Headers)
		}
	}
}
