package app

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// HealthcheckCommand is the first argument that makes a Lightwatch binary
// check a running instance instead of starting one: container images built
// FROM distroless have neither curl nor wget, so the binary is its own probe
// (`HEALTHCHECK CMD ["/service", "healthcheck"]`).
const HealthcheckCommand = "healthcheck"

// healthcheckTimeout bounds one probe; container runtimes have their own
// timeout too, but a probe must never hang past it.
const healthcheckTimeout = 3 * time.Second

// Healthcheck asks the instance listening on addr (the configured listen
// address, such as ":8080") whether it is ready: GET /readyz, which answers
// 200 only when the store answers (Redis being down degrades, but does not stop, ingest). Ready, not merely alive, because
// the orchestrator uses the answer to decide whether to route to the instance
// (Traefik skips containers that are not healthy) and whether dependents may
// start (compose's depends_on condition service_healthy).
func Healthcheck(ctx context.Context, addr string) error {
	url := "http://" + probeHost(addr) + "/readyz"
	ctx, cancel := context.WithTimeout(ctx, healthcheckTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("healthcheck %s: %w", url, err)
	}
	client := &http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck %s: %w", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck %s: %s: %s", url, resp.Status, body)
	}
	return nil
}

// probeHost turns a listen address into one to dial from the same host or
// container: an unspecified host (":8080", "0.0.0.0:8080", "[::]:8080")
// becomes loopback.
func probeHost(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		if ip != nil && ip.To4() == nil {
			host = "::1"
		} else {
			host = "127.0.0.1"
		}
	}
	return net.JoinHostPort(host, port)
}
