package middleware

import (
	"bufio"
	"net"
	"net/http"
	"strings"
)

// SecurityHeaders sets headers that make browsers treat responses safely:
// X-Content-Type-Options: nosniff on every response (a JSON or text answer is
// never run as script or styles), and on HTML (Swagger UI) a
// Content-Security-Policy of frame-ancestors 'none', so that no other site
// can frame it to trick a user into clicking. The HTML check is done when the
// handler writes its header, since only then is the content type known.
func SecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(&htmlGuard{ResponseWriter: w}, r)
	})
}

// htmlGuard adds the CSP to HTML responses as their header is written.
type htmlGuard struct {
	http.ResponseWriter
	wrote bool
}

func (g *htmlGuard) WriteHeader(code int) {
	if !g.wrote {
		g.wrote = true
		h := g.ResponseWriter.Header()
		if ct := h.Get("Content-Type"); ct == "" || strings.HasPrefix(ct, "text/html") {
			// No content type yet: net/http will sniff one, which may be HTML.
			h.Set("Content-Security-Policy", "frame-ancestors 'none'")
		}
	}
	g.ResponseWriter.WriteHeader(code)
}

func (g *htmlGuard) Write(b []byte) (int, error) {
	if !g.wrote {
		g.WriteHeader(http.StatusOK)
	}
	return g.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController and the recorder's Hijack reach the connection.
func (g *htmlGuard) Unwrap() http.ResponseWriter { return g.ResponseWriter }

// Flush implements http.Flusher.
func (g *htmlGuard) Flush() { _ = http.NewResponseController(g.ResponseWriter).Flush() }

// Hijack implements http.Hijacker, which WebSocket upgrades need.
func (g *htmlGuard) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(g.ResponseWriter).Hijack()
}
