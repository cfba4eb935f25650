package middleware

import (
	"net/http"
	"strings"
	"time"
)

// Deadlines bounds how long one request may hold its connection: the client
// must send its body within body and take the whole response within
// response, so that a client sending slowly (slowloris) or never reading its
// answer cannot pin a goroutine and its buffers. They are set per request,
// through http.ResponseController, rather than as http.Server's ReadTimeout
// and WriteTimeout, because WebSocket upgrades must have none: their
// connections live for hours and keep their own ping deadlines. Every request
// sets both (clearing them for an upgrade; 0 means none), since a kept-alive connection
// would otherwise carry the previous request's deadlines into the next.
func Deadlines(body, response time.Duration) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rc := http.NewResponseController(w)
			var read, write time.Time // zero: none
			if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
				now := time.Now()
				if body > 0 {
					read = now.Add(body)
				}
				if response > 0 {
					write = now.Add(response)
				}
			}
			_ = rc.SetReadDeadline(read) // fails only for writers without a connection (tests' recorders)
			_ = rc.SetWriteDeadline(write)
			next.ServeHTTP(w, r)
		})
	}
}
