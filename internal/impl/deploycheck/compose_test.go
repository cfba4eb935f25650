package deploycheck_test

import (
	"context"
	"go/build"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/lightwatch/lightwatch/internal/impl/config"
	"github.com/lightwatch/lightwatch/internal/impl/deploycheck"
)

// root is the repository root, the compose project directory.
var root = filepath.Join("..", "..", "..")

func repoPath(parts ...string) string { return filepath.Join(append([]string{root}, parts...)...) }

const testKey = "lw_compose_test_key_0123456789abcdef"

// lightwatchServices are the Lightwatch binaries compose runs, each routed
// by Traefik under the prefix the seed names.
var lightwatchServices = map[string]string{"ingest": "/ingest/", "api": "/api/", "realtime": "/ws/"}

// The web console's router sends its page and assets to api.
const (
	consoleRouter   = "console"
	consoleMatchers = "[{/ true} {/assets/ false}]"
)

func loadCompose(t *testing.T, env map[string]string, files ...string) *types.Project {
	t.Helper()
	p, err := deploycheck.LoadCompose(context.Background(), env, files...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func service(t *testing.T, p *types.Project, name string) types.ServiceConfig {
	t.Helper()
	s, ok := p.Services[name]
	if !ok {
		t.Fatalf("compose has no service %s", name)
	}
	return s
}

func TestComposeServices(t *testing.T) {
	p := loadCompose(t, map[string]string{"LIGHTWATCH_BOOTSTRAP_KEY": testKey}, repoPath("compose.yaml"))
	want := []string{"api", "ingest", "mongo", "realtime", "redis", "traefik"}
	if got := slices.Sorted(func(yield func(string) bool) {
		for n := range p.Services {
			if !yield(n) {
				return
			}
		}
	}); !slices.Equal(got, want) {
		t.Fatalf("services = %v, want %v", got, want)
	}

	for name := range lightwatchServices {
		t.Run(name, func(t *testing.T) { checkLightwatchService(t, p, name) })
	}
	t.Run("mongo", func(t *testing.T) {
		s := service(t, p, "mongo")
		if s.Image != "mongo:7" {
			t.Errorf("image = %q, want mongo:7", s.Image)
		}
		checkNamedVolume(t, p, s, "/data/db")
		checkHealthcheck(t, s, "mongosh")
		checkNoHostPorts(t, s)
	})
	t.Run("redis", func(t *testing.T) {
		s := service(t, p, "redis")
		if s.Image != "redis:7" {
			t.Errorf("image = %q, want redis:7", s.Image)
		}
		cmd := strings.Join(s.Command, " ")
		if !strings.Contains(cmd, "--appendonly yes") {
			t.Errorf("command %q does not turn AOF on (--appendonly yes)", cmd)
		}
		checkNamedVolume(t, p, s, "/data")
		checkHealthcheck(t, s, "redis-cli ping")
		checkNoHostPorts(t, s)
	})
	t.Run("traefik", func(t *testing.T) { checkTraefikService(t, p, "traefik.yml") })
}

func checkLightwatchService(t *testing.T, p *types.Project, name string) {
	s := service(t, p, name)
	// Built from the repository with deploy/Dockerfile, for cmd/<name>.
	if s.Build == nil {
		t.Fatal("no build section")
	}
	if filepath.Clean(s.Build.Context) != mustAbs(t, root) {
		t.Errorf("build context %s, want the repository root", s.Build.Context)
	}
	dockerfile := filepath.Join(s.Build.Context, s.Build.Dockerfile)
	if _, err := os.Stat(dockerfile); err != nil {
		t.Errorf("dockerfile: %v", err)
	}
	arg := s.Build.Args["SERVICE"]
	if arg == nil || *arg != name {
		t.Errorf("build arg SERVICE = %v, want %s", arg, name)
	} else {
		checkMainPackage(t, repoPath("cmd", *arg))
	}
	// Scalable with --scale: no fixed name, no host port; only Traefik reaches it.
	if s.ContainerName != "" {
		t.Errorf("container_name %q stops `docker compose up --scale %s=3`", s.ContainerName, name)
	}
	checkNoHostPorts(t, s)
	if !slices.Equal([]string(s.Expose), []string{"8080"}) {
		t.Errorf("expose = %v, want [8080]", s.Expose)
	}
	if s.Restart != types.RestartPolicyUnlessStopped {
		t.Errorf("restart = %q, want unless-stopped", s.Restart)
	}
	// The binary is its own health probe (distroless has no curl).
	if s.HealthCheck == nil || !slices.Equal(s.HealthCheck.Test, []string{"CMD", "/service", "healthcheck"}) {
		t.Errorf("healthcheck = %+v, want CMD /service healthcheck", s.HealthCheck)
	} else {
		checkHealthTimings(t, s.HealthCheck)
	}
	for _, dep := range []string{"mongo", "redis"} {
		if d, ok := s.DependsOn[dep]; !ok || d.Condition != types.ServiceConditionHealthy {
			t.Errorf("depends_on %s = %+v, want condition service_healthy", dep, d)
		}
	}
	if _, ok := s.Networks["edge"]; !ok {
		t.Error("not on the edge network, where Traefik reaches it")
	}
	if _, ok := s.Networks["backend"]; !ok {
		t.Error("not on the backend network, where MongoDB and Redis are")
	}
	// Configuration: only variables the binaries know, pointing at services that exist.
	known := map[string]bool{}
	for _, st := range config.Settings() {
		known[st.Env] = true
	}
	for k := range s.Environment {
		if !known[k] {
			t.Errorf("environment %s is not a Lightwatch setting", k)
		}
	}
	checkURLService(t, p, s, "LIGHTWATCH_MONGO_URI", "mongodb", "mongo", "27017")
	checkURLService(t, p, s, "LIGHTWATCH_REDIS_URL", "redis", "redis", "6379")
	if v := s.Environment["LIGHTWATCH_BOOTSTRAP_KEY"]; v == nil || *v != testKey {
		t.Errorf("LIGHTWATCH_BOOTSTRAP_KEY = %v, want it from the environment", v)
	}
	if s.StopGracePeriod == nil {
		t.Error("no stop_grace_period")
	} else if v := s.Environment["LIGHTWATCH_SHUTDOWN_TIMEOUT"]; v == nil {
		t.Error("no LIGHTWATCH_SHUTDOWN_TIMEOUT")
	} else if d, err := time.ParseDuration(*v); err != nil || d >= time.Duration(*s.StopGracePeriod) {
		t.Errorf("LIGHTWATCH_SHUTDOWN_TIMEOUT %s must be shorter than stop_grace_period %s, or docker kills mid-drain", *v, s.StopGracePeriod)
	}
}

func checkMainPackage(t *testing.T, dir string) {
	t.Helper()
	pkg, err := build.ImportDir(dir, 0)
	if err != nil {
		t.Errorf("%s: %v", dir, err)
		return
	}
	if pkg.Name != "main" {
		t.Errorf("%s is package %s, want main", dir, pkg.Name)
	}
}

func checkURLService(t *testing.T, p *types.Project, s types.ServiceConfig, env, scheme, host, port string) {
	t.Helper()
	v := s.Environment[env]
	if v == nil {
		t.Errorf("%s is not set", env)
		return
	}
	u, err := url.Parse(*v)
	if err != nil || u.Scheme != scheme || u.Hostname() != host || u.Port() != port {
		t.Errorf("%s = %q, want %s://%s:%s", env, *v, scheme, host, port)
	}
	if _, ok := p.Services[host]; !ok {
		t.Errorf("%s points at %s, which is not a service", env, host)
	}
}

func checkNoHostPorts(t *testing.T, s types.ServiceConfig) {
	t.Helper()
	if len(s.Ports) > 0 {
		t.Errorf("publishes %+v on the host; only Traefik should", s.Ports)
	}
}

func checkNamedVolume(t *testing.T, p *types.Project, s types.ServiceConfig, target string) {
	t.Helper()
	for _, v := range s.Volumes {
		if v.Target == target {
			if v.Type != types.VolumeTypeVolume {
				t.Errorf("%s is a %s mount, want a named volume", target, v.Type)
			}
			if _, ok := p.Volumes[v.Source]; !ok {
				t.Errorf("volume %s is not declared", v.Source)
			}
			return
		}
	}
	t.Errorf("no volume at %s", target)
}

func checkHealthcheck(t *testing.T, s types.ServiceConfig, contains string) {
	t.Helper()
	if s.HealthCheck == nil || s.HealthCheck.Disable {
		t.Error("no healthcheck")
		return
	}
	if got := strings.Join(s.HealthCheck.Test, " "); !strings.Contains(got, contains) {
		t.Errorf("healthcheck %q does not run %q", got, contains)
	}
	checkHealthTimings(t, s.HealthCheck)
}

func checkHealthTimings(t *testing.T, h *types.HealthCheckConfig) {
	t.Helper()
	if h.Interval == nil || h.Timeout == nil || h.Retries == nil || *h.Retries == 0 {
		t.Errorf("healthcheck %+v lacks interval, timeout or retries", h)
		return
	}
	if *h.Timeout >= *h.Interval {
		t.Errorf("healthcheck timeout %s is not shorter than its interval %s", h.Timeout, h.Interval)
	}
}

func checkTraefikService(t *testing.T, p *types.Project, staticFile string) {
	t.Helper()
	s := service(t, p, "traefik")
	if !strings.HasPrefix(s.Image, "traefik:v3.") {
		t.Errorf("image = %q, want traefik:v3.x", s.Image)
	}
	var published []string
	for _, port := range s.Ports {
		published = append(published, port.HostIP+":"+port.Published+"->"+strconv.FormatUint(uint64(port.Target), 10))
	}
	for _, want := range []string{":80->80", "127.0.0.1:8081->8080"} {
		if !slices.Contains(published, want) {
			t.Errorf("ports %v lack %s", published, want)
		}
	}
	mounts := map[string]types.ServiceVolumeConfig{}
	for _, v := range s.Volumes {
		if _, dup := mounts[v.Target]; dup {
			t.Errorf("two mounts at %s", v.Target)
		}
		mounts[v.Target] = v
	}
	for target, src := range map[string]string{
		"/var/run/docker.sock":     "/var/run/docker.sock",
		"/etc/traefik/traefik.yml": repoPath("deploy", "traefik", staticFile),
		"/etc/traefik/dynamic":     repoPath("deploy", "traefik", "dynamic"),
	} {
		m, ok := mounts[target]
		if !ok {
			t.Errorf("nothing mounted at %s", target)
			continue
		}
		if !m.ReadOnly {
			t.Errorf("%s is mounted read-write", target)
		}
		if target == "/var/run/docker.sock" {
			continue
		}
		if m.Source != mustAbs(t, src) {
			t.Errorf("%s mounts %s, want %s", target, m.Source, src)
		}
		if _, err := os.Stat(m.Source); err != nil {
			t.Errorf("mount source: %v", err)
		}
	}
	if s.HealthCheck == nil || !slices.Equal(s.HealthCheck.Test, []string{"CMD", "traefik", "healthcheck", "--ping"}) {
		t.Errorf("healthcheck = %+v, want traefik healthcheck --ping", s.HealthCheck)
	}
	if _, ok := s.Networks["backend"]; ok {
		t.Error("Traefik is on the backend network: it must not reach MongoDB or Redis")
	}
	var st deploycheck.StaticConfig
	if err := deploycheck.ReadYAML(repoPath("deploy", "traefik", staticFile), &st); err != nil {
		t.Fatal(err)
	}
	if st.Providers.Docker == nil || st.Providers.Docker.ExposedByDefault {
		t.Error("the Docker provider must be on with exposedByDefault false")
	} else if n, ok := p.Networks["edge"]; !ok || n.Name != st.Providers.Docker.Network {
		t.Errorf("the Docker provider uses network %q; compose's edge network is named %q", st.Providers.Docker.Network, n.Name)
	}
	if st.Providers.File == nil || st.Providers.File.Directory != "/etc/traefik/dynamic" {
		t.Error("the file provider must read /etc/traefik/dynamic, where compose mounts deploy/traefik/dynamic")
	}
	if st.Ping == nil || st.EntryPoints[st.Ping.EntryPoint].Address != ":8080" {
		t.Error("ping must be on the :8080 entry point that compose publishes on 127.0.0.1 only")
	}
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// The compose file refuses to start without a bootstrap key rather than
// starting a deployment nobody can call.
func TestComposeRequiresBootstrapKey(t *testing.T) {
	_, err := deploycheck.LoadCompose(context.Background(), nil, repoPath("compose.yaml"))
	if err == nil || !strings.Contains(err.Error(), "LIGHTWATCH_BOOTSTRAP_KEY") {
		t.Errorf("loading without LIGHTWATCH_BOOTSTRAP_KEY: err = %v, want it named", err)
	}
}

// `docker compose up --scale ingest=3 --scale api=3 --scale realtime=3`:
// compose's own consistency checks accept the scaled project (they refuse a
// container_name with more than one replica), and nothing that can only
// exist once (a fixed host port) is on a scaled service.
func TestComposeScales(t *testing.T) {
	override := filepath.Join(t.TempDir(), "scale.yaml")
	var b strings.Builder
	b.WriteString("services:\n")
	for name := range lightwatchServices {
		b.WriteString("  " + name + ":\n    scale: 3\n")
	}
	if err := os.WriteFile(override, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	p := loadCompose(t, map[string]string{"LIGHTWATCH_BOOTSTRAP_KEY": testKey}, repoPath("compose.yaml"), override)
	for name := range lightwatchServices {
		s := service(t, p, name)
		if s.GetScale() != 3 {
			t.Errorf("%s scale = %d, want 3", name, s.GetScale())
		}
		checkNoHostPorts(t, s)
	}
}
