package helmtest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/lightwatch/lightwatch/internal/impl/config"
)

// secretSetting matches the settings that hold secrets: they come from
// existing Secrets, never from a ConfigMap. The chart refuses the same names
// in env (its "lightwatch.secretPattern"), so a secret setting added later
// is covered too: it goes through secretEnv.
var secretSetting = regexp.MustCompile(`^LIGHTWATCH_(.*(SECRET|PASSWORD|TOKEN).*|.*_KEY|.*_URI|.*_URL)$`)

// namedSecrets are the secret settings with values of their own.
var namedSecrets = map[string]bool{
	"LIGHTWATCH_MONGO_URI":     true,
	"LIGHTWATCH_REDIS_URL":     true,
	"LIGHTWATCH_BOOTSTRAP_KEY": true,
}

// withSecrets are the values scale-out requires.
func withSecrets(vals map[string]any) map[string]any {
	vals["mongodb"] = map[string]any{"existingSecret": "lw-mongo", "uriKey": "connectionString.standard"}
	vals["redis"] = map[string]any{"existingSecret": "lw-redis"}
	vals["bootstrapKey"] = map[string]any{"existingSecret": "lw-bootstrap"}
	return vals
}

// matrix is the values every structural check runs over: both modes, every
// routing type, TLS from a Secret and from cert-manager, optional parts on
// and off.
func matrix() map[string]map[string]any {
	return map[string]map[string]any{
		"scaleOut defaults": withSecrets(map[string]any{}),
		"scaleOut ingress cert-manager": withSecrets(map[string]any{
			"routing": map[string]any{"type": "ingress", "ingress": map[string]any{"className": "nginx",
				"annotations": map[string]any{"nginx.ingress.kubernetes.io/proxy-read-timeout": "3600"}},
				"tls": map[string]any{"certManager": map[string]any{"issuer": "letsencrypt"}}},
			"serviceMonitor": map[string]any{"enabled": true, "labels": map[string]any{"release": "prometheus"}},
		}),
		"scaleOut traefik cert-manager no autoscaling": withSecrets(map[string]any{
			"routing":        map[string]any{"tls": map[string]any{"certManager": map[string]any{"issuer": "le", "issuerKind": "Issuer"}}},
			"ingest":         map[string]any{"autoscaling": map[string]any{"enabled": false}, "pdb": map[string]any{"enabled": false}, "replicas": 3},
			"api":            map[string]any{"autoscaling": map[string]any{"enabled": false}},
			"topologySpread": map[string]any{"enabled": false},
			"extraEnv": []any{map[string]any{"name": "GOMEMLIMIT", "valueFrom": map[string]any{
				"resourceFieldRef": map[string]any{"resource": "limits.memory"}}}},
			"podAnnotations":   map[string]any{"example.com/team": "observability"},
			"imagePullSecrets": []any{map[string]any{"name": "registry"}},
			"serviceAccount":   map[string]any{"create": false, "name": "lightwatch"},
		}),
		"scaleOut no routing no tls": withSecrets(map[string]any{
			"routing": map[string]any{"type": "none", "tls": map[string]any{"enabled": false}},
			"port":    9090,
		}),
		"singleNode defaults": {"mode": "singleNode"},
		"singleNode ingress sentinel": withSecrets(map[string]any{
			"mode":       "singleNode",
			"routing":    map[string]any{"type": "ingress", "host": "", "tls": map[string]any{"enabled": false}},
			"singleNode": map[string]any{"retention": "720h", "maxDisk": "50GiB", "persistence": map[string]any{"storageClass": "fast", "size": "100Gi"}},
		}),
	}
}

// TestChartRendersAndValidates renders every case of the matrix and checks
// every object against the Kubernetes API types (in render) and against
// each other and the binaries.
func TestChartRendersAndValidates(t *testing.T) {
	for name, vals := range matrix() {
		t.Run(name, func(t *testing.T) {
			objs := mustRender(t, vals)
			checkWorkloads(t, objs)
			checkServices(t, objs)
			checkConfigMaps(t, objs)
			checkScaling(t, objs)
			checkRouting(t, objs)
			checkServiceMonitor(t, objs)
		})
	}
}

// workload is a Deployment or StatefulSet, reduced to what the checks need.
type workload struct {
	kind, name string
	selector   *metav1.LabelSelector
	pod        corev1.PodTemplateSpec
}

func workloads(objs []object) []workload {
	var out []workload
	for _, d := range only[*appsv1.Deployment](objs) {
		out = append(out, workload{"Deployment", d.Name, d.Spec.Selector, d.Spec.Template})
	}
	for _, s := range only[*appsv1.StatefulSet](objs) {
		out = append(out, workload{"StatefulSet", s.Name, s.Spec.Selector, s.Spec.Template})
	}
	return out
}

// podEnv resolves a container's environment: its ConfigMaps' data, then
// its env entries (values, or "secret:<name>/<key>" for Secret references).
func podEnv(t *testing.T, objs []object, c corev1.Container) map[string]string {
	t.Helper()
	cms := map[string]*corev1.ConfigMap{}
	for _, cm := range only[*corev1.ConfigMap](objs) {
		cms[cm.Name] = cm
	}
	env := map[string]string{}
	for _, from := range c.EnvFrom {
		if from.ConfigMapRef == nil {
			t.Fatalf("container %s: envFrom other than a ConfigMap", c.Name)
		}
		cm, ok := cms[from.ConfigMapRef.Name]
		if !ok {
			t.Fatalf("container %s: envFrom ConfigMap %s is not rendered", c.Name, from.ConfigMapRef.Name)
		}
		for k, v := range cm.Data {
			env[k] = v
		}
	}
	for _, e := range c.Env {
		switch {
		case e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil:
			env[e.Name] = "secret:" + e.ValueFrom.SecretKeyRef.Name + "/" + e.ValueFrom.SecretKeyRef.Key
		case e.ValueFrom != nil:
			env[e.Name] = "ref"
		default:
			env[e.Name] = e.Value
		}
	}
	return env
}

func checkWorkloads(t *testing.T, objs []object) {
	t.Helper()
	ws := workloads(objs)
	if len(ws) == 0 {
		t.Fatal("no workload rendered")
	}
	for _, w := range ws {
		where := w.kind + " " + w.name
		sel, err := metav1.LabelSelectorAsSelector(w.selector)
		if err != nil || sel.Empty() || !sel.Matches(labels.Set(w.pod.Labels)) {
			t.Errorf("%s: selector %v does not match its pods' labels %v (%v)", where, w.selector, w.pod.Labels, err)
		}
		spec := w.pod.Spec
		if len(spec.Containers) != 1 {
			t.Fatalf("%s: %d containers, want 1", where, len(spec.Containers))
		}
		c := spec.Containers[0]
		env := podEnv(t, objs, c)

		// The image is a binary of cmd/.
		binary := c.Name
		if _, err := os.Stat(filepath.Join(repoRoot, "cmd", binary, "main.go")); err != nil {
			t.Errorf("%s: container %s runs no binary of cmd/: %v", where, binary, err)
		}
		if !strings.Contains(c.Image, "/"+binary+":") {
			t.Errorf("%s: image %s is not the %s image", where, c.Image, binary)
		}

		// Ports: the binary listens where the container port and probes say.
		_, portText, ok := strings.Cut(env["LIGHTWATCH_ADDR"], ":")
		addrPort, err := strconv.Atoi(portText)
		if !ok || err != nil {
			t.Fatalf("%s: LIGHTWATCH_ADDR=%q has no port", where, env["LIGHTWATCH_ADDR"])
		}
		if len(c.Ports) != 1 || c.Ports[0].Name != "http" || c.Ports[0].ContainerPort != int32(addrPort) {
			t.Errorf("%s: ports %+v, want http on %d (LIGHTWATCH_ADDR)", where, c.Ports, addrPort)
		}
		for probeName, want := range map[string]struct {
			p    *corev1.Probe
			path string
		}{
			"readiness": {c.ReadinessProbe, "/readyz"},
			"liveness":  {c.LivenessProbe, "/healthz"},
			"startup":   {c.StartupProbe, "/healthz"},
		} {
			if want.p == nil || want.p.HTTPGet == nil {
				t.Errorf("%s: no HTTP %s probe", where, probeName)
				continue
			}
			if want.p.HTTPGet.Path != want.path || want.p.HTTPGet.Port.String() != "http" {
				t.Errorf("%s: %s probe GET %s on %s, want %s on http", where, probeName, want.p.HTTPGet.Path, want.p.HTTPGet.Port.String(), want.path)
			}
		}

		// Non-root, read-only, nothing extra.
		psc, sc := spec.SecurityContext, c.SecurityContext
		if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || psc.RunAsUser == nil || *psc.RunAsUser == 0 {
			t.Errorf("%s: pod security context %+v, want runAsNonRoot and a non-zero runAsUser", where, psc)
		}
		if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
			sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
			sc.Capabilities == nil || len(sc.Capabilities.Drop) != 1 || sc.Capabilities.Drop[0] != "ALL" ||
			(sc.RunAsUser != nil && *sc.RunAsUser == 0) || (sc.Privileged != nil && *sc.Privileged) {
			t.Errorf("%s: container security context %+v, want read-only root, no privilege escalation, all capabilities dropped", where, sc)
		}

		// Graceful: the kubelet waits for the preStop pause and the whole shutdown.
		shutdown, err := time.ParseDuration(env["LIGHTWATCH_SHUTDOWN_TIMEOUT"])
		if err != nil {
			t.Fatalf("%s: LIGHTWATCH_SHUTDOWN_TIMEOUT=%q: %v", where, env["LIGHTWATCH_SHUTDOWN_TIMEOUT"], err)
		}
		if c.Lifecycle == nil || c.Lifecycle.PreStop == nil || c.Lifecycle.PreStop.Sleep == nil || c.Lifecycle.PreStop.Sleep.Seconds < 1 {
			t.Fatalf("%s: no preStop sleep (endpoints must be removed before SIGTERM)", where)
		}
		preStop := time.Duration(c.Lifecycle.PreStop.Sleep.Seconds) * time.Second
		if spec.TerminationGracePeriodSeconds == nil || time.Duration(*spec.TerminationGracePeriodSeconds)*time.Second <= preStop+shutdown {
			t.Errorf("%s: terminationGracePeriodSeconds %v, want more than preStop %s + LIGHTWATCH_SHUTDOWN_TIMEOUT %s",
				where, spec.TerminationGracePeriodSeconds, preStop, shutdown)
		}

		// Every mount has a volume; the root file system is read-only, so
		// the data directory must be a mount.
		vols := map[string]bool{}
		for _, v := range spec.Volumes {
			vols[v.Name] = true
		}
		if w.kind == "StatefulSet" {
			vols["data"] = true // the volume claim template
		}
		mounted := map[string]bool{}
		for _, m := range c.VolumeMounts {
			if !vols[m.Name] {
				t.Errorf("%s: mount %s has no volume", where, m.Name)
			}
			mounted[m.MountPath] = true
		}
		if !mounted[env["LIGHTWATCH_DATA_DIR"]] {
			t.Errorf("%s: LIGHTWATCH_DATA_DIR %q is not a mount (the root file system is read-only)", where, env["LIGHTWATCH_DATA_DIR"])
		}
	}
	for _, d := range only[*appsv1.Deployment](objs) {
		ru := d.Spec.Strategy.RollingUpdate
		if d.Spec.Strategy.Type != appsv1.RollingUpdateDeploymentStrategyType || ru == nil || ru.MaxUnavailable == nil || ru.MaxUnavailable.IntValue() != 0 {
			t.Errorf("Deployment %s: strategy %+v, want rolling updates with maxUnavailable 0", d.Name, d.Spec.Strategy)
		}
	}
	for _, s := range only[*appsv1.StatefulSet](objs) {
		if s.Spec.Replicas == nil || *s.Spec.Replicas != 1 {
			t.Errorf("StatefulSet %s: replicas %v, want 1 (one writer of the embedded store)", s.Name, s.Spec.Replicas)
		}
		if len(s.Spec.VolumeClaimTemplates) != 1 || s.Spec.VolumeClaimTemplates[0].Name != "data" {
			t.Errorf("StatefulSet %s: want one volume claim template named data", s.Name)
		}
		if !hasService(objs, s.Spec.ServiceName) {
			t.Errorf("StatefulSet %s: its serviceName %q is not rendered", s.Name, s.Spec.ServiceName)
		}
	}
}

func hasService(objs []object, name string) bool {
	for _, s := range only[*corev1.Service](objs) {
		if s.Name == name {
			return true
		}
	}
	return false
}

// checkServices: each Service selects exactly one workload's pods and
// targets a port they declare.
func checkServices(t *testing.T, objs []object) {
	t.Helper()
	for _, s := range only[*corev1.Service](objs) {
		var matched []workload
		for _, w := range workloads(objs) {
			if labels.SelectorFromSet(s.Spec.Selector).Matches(labels.Set(w.pod.Labels)) && len(s.Spec.Selector) > 0 {
				matched = append(matched, w)
			}
		}
		if len(matched) != 1 {
			t.Errorf("Service %s selects %d workloads, want 1", s.Name, len(matched))
			continue
		}
		for _, p := range s.Spec.Ports {
			found := false
			for _, cp := range matched[0].pod.Spec.Containers[0].Ports {
				found = found || (p.TargetPort.String() == cp.Name || p.TargetPort.IntValue() == int(cp.ContainerPort))
			}
			if !found {
				t.Errorf("Service %s: targetPort %s is no port of %s", s.Name, p.TargetPort.String(), matched[0].name)
			}
		}
	}
}

// checkConfigMaps: no secret setting in a ConfigMap, and nothing in one
// but LIGHTWATCH_* settings.
func checkConfigMaps(t *testing.T, objs []object) {
	t.Helper()
	for _, cm := range only[*corev1.ConfigMap](objs) {
		for k := range cm.Data {
			if secretSetting.MatchString(k) {
				t.Errorf("ConfigMap %s holds the secret setting %s", cm.Name, k)
			}
		}
		if len(cm.BinaryData) > 0 {
			t.Errorf("ConfigMap %s has binary data", cm.Name)
		}
	}
}

// checkScaling: HPAs and PDBs name workloads that exist; realtime has no
// CPU autoscaler; a Deployment under an HPA leaves replicas to it.
func checkScaling(t *testing.T, objs []object) {
	t.Helper()
	deployments := map[string]*appsv1.Deployment{}
	for _, d := range only[*appsv1.Deployment](objs) {
		deployments[d.Name] = d
	}
	for _, h := range only[*autoscalingv2.HorizontalPodAutoscaler](objs) {
		d, ok := deployments[h.Spec.ScaleTargetRef.Name]
		if !ok || h.Spec.ScaleTargetRef.Kind != "Deployment" {
			t.Errorf("HPA %s scales %v, which is not rendered", h.Name, h.Spec.ScaleTargetRef)
			continue
		}
		if strings.HasSuffix(d.Name, "-realtime") {
			t.Errorf("HPA %s scales realtime on CPU; realtime scales on connections", h.Name)
		}
		if d.Spec.Replicas != nil {
			t.Errorf("Deployment %s sets replicas under HPA %s: every upgrade would reset the scale", d.Name, h.Name)
		}
		if len(h.Spec.Metrics) != 1 || h.Spec.Metrics[0].Resource == nil || h.Spec.Metrics[0].Resource.Name != corev1.ResourceCPU {
			t.Errorf("HPA %s: metrics %+v, want CPU", h.Name, h.Spec.Metrics)
		}
		if h.Spec.MinReplicas == nil || *h.Spec.MinReplicas < 1 || h.Spec.MaxReplicas < *h.Spec.MinReplicas {
			t.Errorf("HPA %s: replicas %v..%d", h.Name, h.Spec.MinReplicas, h.Spec.MaxReplicas)
		}
	}
	for _, p := range only[*policyv1.PodDisruptionBudget](objs) {
		sel, err := metav1.LabelSelectorAsSelector(p.Spec.Selector)
		n := 0
		for _, w := range workloads(objs) {
			if err == nil && sel.Matches(labels.Set(w.pod.Labels)) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("PDB %s selects %d workloads, want 1", p.Name, n)
		}
	}
}

// checkServiceMonitor: it selects the workloads' Services (one each) on a
// port they have, at /metrics.
func checkServiceMonitor(t *testing.T, objs []object) {
	t.Helper()
	for _, sm := range only[*ServiceMonitor](objs) {
		sel, err := metav1.LabelSelectorAsSelector(&sm.Spec.Selector)
		if err != nil {
			t.Fatalf("ServiceMonitor %s: selector: %v", sm.Name, err)
		}
		n := 0
		for _, s := range only[*corev1.Service](objs) {
			if sel.Matches(labels.Set(s.Labels)) {
				n++
				if len(s.Spec.Ports) == 0 || s.Spec.Ports[0].Name != sm.Spec.Endpoints[0].Port {
					t.Errorf("ServiceMonitor %s: Service %s has no port %s", sm.Name, s.Name, sm.Spec.Endpoints[0].Port)
				}
			}
		}
		if n != len(workloads(objs)) {
			t.Errorf("ServiceMonitor %s selects %d Services, want one per workload (%d)", sm.Name, n, len(workloads(objs)))
		}
		if sm.Spec.Endpoints[0].Path != "/metrics" {
			t.Errorf("ServiceMonitor %s scrapes %s", sm.Name, sm.Spec.Endpoints[0].Path)
		}
	}
}

// checkRouting: the IngressRoute or Ingress sends each path to a rendered
// Service on a port it has; TLS names the Secret the values say.
func checkRouting(t *testing.T, objs []object) {
	t.Helper()
	services := map[string]*corev1.Service{}
	for _, s := range only[*corev1.Service](objs) {
		services[s.Name] = s
	}
	middlewares := map[string]bool{}
	for _, m := range only[*Middleware](objs) {
		middlewares[m.Name] = true
	}
	for _, ir := range only[*IngressRoute](objs) {
		for _, r := range ir.Spec.Routes {
			for _, s := range r.Services {
				svc, ok := services[s.Name]
				if !ok || svc.Spec.Ports[0].Port != s.Port {
					t.Errorf("IngressRoute %s: route %s goes to %s:%d, which is no rendered Service port", ir.Name, r.Match, s.Name, s.Port)
				}
			}
			for _, m := range r.Middlewares {
				if !middlewares[m.Name] {
					t.Errorf("IngressRoute %s: route %s uses middleware %s, which is not rendered", ir.Name, r.Match, m.Name)
				}
			}
		}
	}
	for _, ing := range only[*networkingv1.Ingress](objs) {
		for _, rule := range ing.Spec.Rules {
			for _, p := range rule.HTTP.Paths {
				svc, ok := services[p.Backend.Service.Name]
				if !ok || svc.Spec.Ports[0].Name != p.Backend.Service.Port.Name {
					t.Errorf("Ingress %s: %s goes to %s port %s, which is no rendered Service port", ing.Name, p.Path, p.Backend.Service.Name, p.Backend.Service.Port.Name)
				}
			}
		}
	}
}

// Every setting config.Settings() lists (so every one added later too) is
// reachable from values: through env, or a Secret for the secret ones, and
// lands in every pod.
func TestEverySettingReachesThePods(t *testing.T) {
	env, secretEnv := map[string]any{}, map[string]any{}
	owned := map[string]string{ // the chart sets these from other values
		"LIGHTWATCH_ADDR":             ":8080",
		"LIGHTWATCH_DATA_DIR":         "/data",
		"LIGHTWATCH_SHUTDOWN_TIMEOUT": "20s",
	}
	want := map[string]string{}
	for _, s := range config.Settings() {
		switch {
		case namedSecrets[s.Env]:
		case secretSetting.MatchString(s.Env):
			secretEnv[s.Env] = map[string]any{"name": "lw-extra", "key": strings.ToLower(s.Flag)}
		case owned[s.Env] != "":
			want[s.Env] = owned[s.Env]
		default:
			v := "value-of-" + strings.ToLower(s.Flag)
			env[s.Env] = v
			want[s.Env] = v
		}
	}
	for _, mode := range []string{"scaleOut", "singleNode"} {
		t.Run(mode, func(t *testing.T) {
			objs := mustRender(t, withSecrets(map[string]any{"mode": mode, "env": env, "secretEnv": secretEnv}))
			for _, w := range workloads(objs) {
				got := podEnv(t, objs, w.pod.Spec.Containers[0])
				for _, s := range config.Settings() {
					v, ok := got[s.Env]
					switch {
					case !ok:
						t.Errorf("%s: %s does not reach the pod", w.name, s.Env)
					case secretSetting.MatchString(s.Env) && !strings.HasPrefix(v, "secret:"):
						t.Errorf("%s: %s=%q, want it from a Secret", w.name, s.Env, v)
					case !secretSetting.MatchString(s.Env) && v != want[s.Env]:
						t.Errorf("%s: %s=%q, want %q", w.name, s.Env, v, want[s.Env])
					}
				}
			}
		})
	}
}

// The named values land as their LIGHTWATCH_* settings, per component env
// overrides the global, and the grace period follows the shutdown timeout.
func TestNamedValues(t *testing.T) {
	vals := withSecrets(map[string]any{
		"mode": "singleNode",
		"port": 9000,
		"config": map[string]any{"logLevel": "debug", "rateLimit": 50, "rateBurst": 100, "streamMaxLen": 5000,
			"corsOrigins": "https://a.example", "alerting": "off", "writeTimeout": "3s", "shutdownTimeoutSeconds": 45},
		"singleNode": map[string]any{"retention": "168h", "maxDisk": "10GiB", "env": map[string]any{"LIGHTWATCH_LOG_FORMAT": "text"}},
	})
	vals["mongodb"] = map[string]any{"existingSecret": "m", "database": "obs"}
	vals["secretEnv"] = map[string]any{"LIGHTWATCH_CURSOR_SECRET": map[string]any{"name": "cursors", "key": "hmac"}}
	objs := mustRender(t, vals)
	w := workloads(objs)[0]
	got := podEnv(t, objs, w.pod.Spec.Containers[0])
	for k, v := range map[string]string{
		"LIGHTWATCH_ADDR": ":9000", "LIGHTWATCH_LOG_LEVEL": "debug", "LIGHTWATCH_LOG_FORMAT": "text",
		"LIGHTWATCH_RATE_LIMIT": "50", "LIGHTWATCH_RATE_BURST": "100", "LIGHTWATCH_STREAM_MAXLEN": "5000",
		"LIGHTWATCH_CORS_ORIGINS": "https://a.example", "LIGHTWATCH_ALERTING": "off", "LIGHTWATCH_WRITE_TIMEOUT": "3s",
		"LIGHTWATCH_SHUTDOWN_TIMEOUT": "45s", "LIGHTWATCH_MONGO_DB": "obs", "LIGHTWATCH_RETENTION": "168h",
		"LIGHTWATCH_MAX_DISK": "10GiB", "LIGHTWATCH_MONGO_URI": "secret:m/uri", "LIGHTWATCH_REDIS_URL": "secret:lw-redis/url",
		"LIGHTWATCH_BOOTSTRAP_KEY": "secret:lw-bootstrap/key", "LIGHTWATCH_CURSOR_SECRET": "secret:cursors/hmac",
	} {
		if got[k] != v {
			t.Errorf("%s=%q, want %q", k, got[k], v)
		}
	}
	if g := *w.pod.Spec.TerminationGracePeriodSeconds; g != 5+45+15 {
		t.Errorf("terminationGracePeriodSeconds %d, want preStop 5 + shutdown 45 + margin 15", g)
	}
	// Unset named values leave the binary's default: no empty variables.
	objs = mustRender(t, map[string]any{"mode": "singleNode"})
	got = podEnv(t, objs, workloads(objs)[0].pod.Spec.Containers[0])
	for k, v := range got {
		if v == "" {
			t.Errorf("%s is set empty", k)
		}
	}
	for _, k := range []string{"LIGHTWATCH_MONGO_URI", "LIGHTWATCH_REDIS_URL", "LIGHTWATCH_BOOTSTRAP_KEY", "LIGHTWATCH_RETENTION"} {
		if _, ok := got[k]; ok {
			t.Errorf("single node without Secrets or retention sets %s", k)
		}
	}
}

// Values that would leak a secret into a ConfigMap, break the chart's own
// settings or leave scale-out without shared stores are refused with a
// message naming the value to set.
func TestRefusedValues(t *testing.T) {
	for name, tc := range map[string]struct {
		vals map[string]any
		want string
	}{
		"secret in env":                       {withSecrets(map[string]any{"env": map[string]any{"LIGHTWATCH_REDIS_URL": "redis://:pw@r:6379/0"}}), "redis.existingSecret"},
		"secret in component env":             {withSecrets(map[string]any{"api": map[string]any{"env": map[string]any{"LIGHTWATCH_MONGO_URI": "mongodb://u:pw@m/"}}}), "mongodb.existingSecret"},
		"any secret-named setting in env":     {withSecrets(map[string]any{"env": map[string]any{"LIGHTWATCH_CURSOR_SECRET": "pw@"}}), "secretEnv"},
		"secretEnv without a key":             {withSecrets(map[string]any{"secretEnv": map[string]any{"LIGHTWATCH_X_TOKEN": map[string]any{"name": "s"}}}), "/secretEnv/LIGHTWATCH_X_TOKEN': missing property 'key'"},
		"misspelt value (values.schema.json)": {map[string]any{"mode": "singleNode", "singleNode": map[string]any{"persistance": map[string]any{"size": "1Gi"}}}, "persistance"},
		"wrong type":                          {withSecrets(map[string]any{"port": "http"}), "/port"},
		"chart-owned in env":                  {withSecrets(map[string]any{"env": map[string]any{"LIGHTWATCH_ADDR": ":1"}}), "port"},
		"scaleOut without mongo":              {map[string]any{"redis": map[string]any{"existingSecret": "r"}, "bootstrapKey": map[string]any{"existingSecret": "k"}}, "mongodb.existingSecret"},
		"scaleOut without redis":              {map[string]any{"mongodb": map[string]any{"existingSecret": "m"}, "bootstrapKey": map[string]any{"existingSecret": "k"}}, "redis.existingSecret"},
		"scaleOut without key":                {map[string]any{"mongodb": map[string]any{"existingSecret": "m"}, "redis": map[string]any{"existingSecret": "r"}}, "bootstrapKey.existingSecret"},
		"unknown mode":                        {map[string]any{"mode": "cluster"}, "/mode': value must be one of 'scaleOut', 'singleNode'"},
		"unknown routing":                     {withSecrets(map[string]any{"routing": map[string]any{"type": "nginx"}}), "/routing/type': value must be one of"},
		"cert-manager without host":           {withSecrets(map[string]any{"routing": map[string]any{"host": "", "tls": map[string]any{"certManager": map[string]any{"issuer": "le"}}}}), "routing.host"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := render(t, tc.vals)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want one mentioning %q", err, tc.want)
			}
			if strings.Contains(fmt.Sprint(err), "pw@") {
				t.Errorf("error %q repeats the secret", err)
			}
		})
	}
}

// The probes' paths are routes the binaries serve.
func TestProbePathsAreServed(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(repoRoot, "internal/impl/app/app.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, route := range []string{`"GET /healthz"`, `"GET /readyz"`, `"GET /metrics"`} {
		if !strings.Contains(string(src), route) {
			t.Errorf("internal/impl/app/app.go no longer registers %s, which the chart's probes or ServiceMonitor use", route)
		}
	}
}
