package helmtest

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The custom resources the chart writes, as far as it writes them. Field
// names and types follow the CRDs' published schemas (Traefik v3
// traefik.io/v1alpha1, Prometheus Operator monitoring.coreos.com/v1,
// cert-manager.io/v1); decoding is strict, so a field outside this subset
// fails until it is added here, checked against the schema.

// IngressRoute is Traefik's router resource.
type IngressRoute struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		EntryPoints []string `json:"entryPoints,omitempty"`
		Routes      []struct {
			Kind        string `json:"kind"`
			Match       string `json:"match"`
			Priority    int    `json:"priority,omitempty"`
			Middlewares []struct {
				Name      string `json:"name"`
				Namespace string `json:"namespace,omitempty"`
			} `json:"middlewares,omitempty"`
			Services []struct {
				Kind string `json:"kind,omitempty"`
				Name string `json:"name"`
				Port int32  `json:"port"`
			} `json:"services"`
		} `json:"routes"`
		TLS *struct {
			SecretName   string `json:"secretName,omitempty"`
			CertResolver string `json:"certResolver,omitempty"`
		} `json:"tls,omitempty"`
	} `json:"spec"`
}

// Middleware is Traefik's middleware resource (rate limits only here).
type Middleware struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		RateLimit *RateLimit `json:"rateLimit,omitempty"`
	} `json:"spec"`
}

// RateLimit is Traefik's rateLimit middleware, in the CRD and in the file
// provider's YAML alike.
type RateLimit struct {
	Average int    `json:"average"`
	Burst   int    `json:"burst"`
	Period  string `json:"period"`
}

// ServiceMonitor is the Prometheus Operator's scrape target.
type ServiceMonitor struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		Selector  metav1.LabelSelector `json:"selector"`
		Endpoints []struct {
			Port     string `json:"port"`
			Path     string `json:"path"`
			Interval string `json:"interval,omitempty"`
		} `json:"endpoints"`
	} `json:"spec"`
}

// Certificate is cert-manager's certificate request.
type Certificate struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		SecretName string   `json:"secretName"`
		DNSNames   []string `json:"dnsNames"`
		IssuerRef  struct {
			Name  string `json:"name"`
			Kind  string `json:"kind"`
			Group string `json:"group,omitempty"`
		} `json:"issuerRef"`
	} `json:"spec"`
}
