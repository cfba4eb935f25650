// Package helmtest checks the Helm chart in deploy/helm/lightwatch without a
// cluster: it renders the chart with Helm's engine (the code `helm template`
// runs) for each mode and a matrix of values, decodes every rendered object
// strictly into its Kubernetes API type (an unknown or misspelt field is an
// error), and asserts what a cluster would only show at run time.
package helmtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/common/util"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/engine"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/yaml"
)

const (
	chartDir  = "../lightwatch"
	repoRoot  = "../../.."
	release   = "lw"
	namespace = "observability"
)

// kubeVersion is the cluster version the chart is rendered and linted for
// (the oldest its kubeVersion constraint admits is 1.30).
var kubeVersion = common.KubeVersion{Version: "v1.33.0", Major: "1", Minor: "33"}

// object is one rendered Kubernetes object, decoded.
type object struct {
	source     string // template file
	apiVersion string
	kind       string
	name       string
	obj        any
}

// newObject returns the Go value an apiVersion and kind decode into: the
// Kubernetes API types, and for the CRDs the chart uses (Traefik,
// Prometheus Operator, cert-manager) the subset of their schema it writes.
func newObject(apiVersion, kind string) (any, bool) {
	switch apiVersion + " " + kind {
	case "v1 ConfigMap":
		return &corev1.ConfigMap{}, true
	case "v1 Service":
		return &corev1.Service{}, true
	case "v1 ServiceAccount":
		return &corev1.ServiceAccount{}, true
	case "apps/v1 Deployment":
		return &appsv1.Deployment{}, true
	case "apps/v1 StatefulSet":
		return &appsv1.StatefulSet{}, true
	case "autoscaling/v2 HorizontalPodAutoscaler":
		return &autoscalingv2.HorizontalPodAutoscaler{}, true
	case "policy/v1 PodDisruptionBudget":
		return &policyv1.PodDisruptionBudget{}, true
	case "networking.k8s.io/v1 Ingress":
		return &networkingv1.Ingress{}, true
	case "traefik.io/v1alpha1 IngressRoute":
		return &IngressRoute{}, true
	case "traefik.io/v1alpha1 Middleware":
		return &Middleware{}, true
	case "monitoring.coreos.com/v1 ServiceMonitor":
		return &ServiceMonitor{}, true
	case "cert-manager.io/v1 Certificate":
		return &Certificate{}, true
	}
	return nil, false
}

var docSeparator = regexp.MustCompile(`(?m)^---\s*$`)

// render renders the chart with vals over its defaults, as `helm template lw
// ../lightwatch -n observability` would, and decodes every object strictly.
func render(t *testing.T, vals map[string]any) ([]object, error) {
	t.Helper()
	ch, err := loader.Load(chartDir)
	if err != nil {
		t.Fatalf("load chart: %v", err)
	}
	caps := *common.DefaultCapabilities
	caps.KubeVersion = kubeVersion
	rv, err := util.ToRenderValues(ch, vals, common.ReleaseOptions{Name: release, Namespace: namespace, IsInstall: true}, &caps)
	if err != nil {
		return nil, err
	}
	files, err := engine.Render(ch, rv)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	var out []object
	for _, name := range names {
		if !strings.HasSuffix(name, ".yaml") {
			continue
		}
		for _, part := range docSeparator.Split(files[name], -1) {
			if strings.TrimSpace(stripComments(part)) == "" {
				continue
			}
			o, err := decode(name, []byte(part))
			if err != nil {
				t.Fatalf("%s: %v\n%s", name, err, part)
			}
			out = append(out, o)
		}
	}
	return out, nil
}

func stripComments(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// decode decodes one YAML document into its type, refusing duplicate keys
// and fields the type does not have.
func decode(source string, doc []byte) (object, error) {
	js, err := yaml.YAMLToJSONStrict(doc)
	if err != nil {
		return object{}, fmt.Errorf("not valid YAML: %w", err)
	}
	var head struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name      string            `json:"name"`
			Namespace string            `json:"namespace"`
			Labels    map[string]string `json:"labels"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(js, &head); err != nil {
		return object{}, err
	}
	obj, ok := newObject(head.APIVersion, head.Kind)
	if !ok {
		return object{}, fmt.Errorf("%s %s: a kind the checks do not know; add it to newObject", head.APIVersion, head.Kind)
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(obj); err != nil {
		return object{}, fmt.Errorf("%s %s %s: %w", head.APIVersion, head.Kind, head.Metadata.Name, err)
	}
	if errs := validation.IsDNS1123Subdomain(head.Metadata.Name); len(errs) > 0 {
		return object{}, fmt.Errorf("%s %q: name: %v", head.Kind, head.Metadata.Name, errs)
	}
	if head.Kind == "Service" {
		if errs := validation.IsDNS1035Label(head.Metadata.Name); len(errs) > 0 {
			return object{}, fmt.Errorf("Service %q: name: %v", head.Metadata.Name, errs)
		}
	}
	for k, v := range head.Metadata.Labels {
		if errs := append(validation.IsQualifiedName(k), validation.IsValidLabelValue(v)...); len(errs) > 0 {
			return object{}, fmt.Errorf("%s %s: label %s=%s: %v", head.Kind, head.Metadata.Name, k, v, errs)
		}
	}
	return object{source: source, apiVersion: head.APIVersion, kind: head.Kind, name: head.Metadata.Name, obj: obj}, nil
}

// mustRender renders vals and fails the test on an error.
func mustRender(t *testing.T, vals map[string]any) []object {
	t.Helper()
	objs, err := render(t, vals)
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	return objs
}

// only returns the objects of type T.
func only[T any](objs []object) []T {
	var out []T
	for _, o := range objs {
		if v, ok := o.obj.(T); ok {
			out = append(out, v)
		}
	}
	return out
}
