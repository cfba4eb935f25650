package api

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/fault"
	"github.com/lightwatch/lightwatch/internal/impl/problem"
)

// QueryLimits bounds the reads (GET) of the query API: each gets a deadline
// (timeout), past which the store's query is interrupted and the client gets
// 503 with Retry-After, and each tenant may run at most perTenant of them at
// once; more wait for a turn within the same deadline. So a tenant's slow
// searches cannot hold every store connection, and nothing queues forever
// behind them. It runs after authentication, which names the tenant.
func QueryLimits(timeout time.Duration, perTenant int) func(http.Handler) http.Handler {
	var mu sync.Mutex
	slots := map[string]chan struct{}{} // one entry per tenant that has read; tenants are few
	slot := func(tenant string) chan struct{} {
		mu.Lock()
		defer mu.Unlock()
		c, ok := slots[tenant]
		if !ok {
			c = make(chan struct{}, max(1, perTenant))
			slots[tenant] = c
		}
		return c
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				next.ServeHTTP(w, r)
				return
			}
			ctx, cancel := r.Context(), context.CancelFunc(func() {})
			if timeout > 0 {
				ctx, cancel = context.WithTimeout(ctx, timeout)
			}
			defer cancel()
			k, _ := apikey.FromContext(ctx)
			s := slot(k.Tenant)
			select {
			case s <- struct{}{}:
				defer func() { <-s }()
			case <-ctx.Done():
				if r.Context().Err() != nil {
					return // the client left
				}
				problem.WriteError(w, r, &fault.Error{Code: fault.Unavailable, RetryAfter: time.Second,
					Message: "this tenant's earlier queries are still running; retry shortly"})
				return
			}
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}
