package apikey

import (
	"context"
	"fmt"
	"net"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/time/rate"

	"github.com/lightwatch/lightwatch/internal/impl/fault"
)

// ErrUnknown means no active key has the given secret; its code is
// fault.Unauthorized, which answers 401.
var ErrUnknown = &fault.Error{Code: fault.Unauthorized, Message: "unknown or revoked API key"}

// TooManyFailures is the error for a client address that has failed to
// authenticate too often: its secrets this process does not already know are
// not looked up until RetryAfter has passed.
type TooManyFailures struct{ RetryAfter time.Duration }

func (e *TooManyFailures) Error() string {
	return fmt.Sprintf("too many failed authentications from this address; retry in %s", e.RetryAfter)
}

// Lookup finds a stored key by the hash of its secret, failing with code
// fault.NotFound for a hash it does not know (store.Keys' KeyByHash is one).
type Lookup func(ctx context.Context, hash string) (Key, error)

// Options tune an Authenticator; the zero value of each field is its default.
type Options struct {
	TTL time.Duration // how long an answer is cached (and a revoked key keeps working); default 10s
	// LookupTimeout bounds one store lookup, so that authentication fails
	// fast (503) instead of queueing behind slow queries; default 5s.
	LookupTimeout time.Duration
	// FailuresPerMinute is how many failed authentications one client address
	// may make per minute (in bursts of as many); 0: no limit.
	FailuresPerMinute int
	// Size bounds each cache (known keys, unknown secrets, client addresses); default 10,000.
	Size int
}

// Authenticator resolves secrets to keys. It caches answers for a short TTL so
// that a busy agent does not cost a store round trip per request.
//
// Known keys and unknown secrets are cached apart, each in a bounded LRU, so
// that a flood of random bearer tokens only evicts other random tokens, never
// the valid keys agents use. Failed authentications are rate limited per
// client address: past the limit, secrets that are not cached as valid are
// answered TooManyFailures without a store lookup, so guessing is slow and a
// flood cannot load the store.
type Authenticator struct {
	lookup Lookup
	opts   Options
	now    func() time.Time

	known    *lru.Cache[string, cached]
	unknown  *lru.Cache[string, time.Time] // hash -> expiry
	failures *lru.Cache[string, *rate.Limiter]
	mu       sync.Mutex // makes failures' get-or-add atomic
}

type cached struct {
	key     Key
	expires time.Time
}

// NewAuthenticator returns an Authenticator over lookup.
func NewAuthenticator(lookup Lookup, o Options) *Authenticator {
	if o.TTL <= 0 {
		o.TTL = 10 * time.Second
	}
	if o.LookupTimeout <= 0 {
		o.LookupTimeout = 5 * time.Second
	}
	if o.Size <= 0 {
		o.Size = 10000
	}
	known, _ := lru.New[string, cached](o.Size) // errors only for a size <= 0
	unknown, _ := lru.New[string, time.Time](o.Size)
	failures, _ := lru.New[string, *rate.Limiter](o.Size)
	return &Authenticator{lookup: lookup, opts: o, now: time.Now, known: known, unknown: unknown, failures: failures}
}

// Authenticate returns the active key whose secret this is, or ErrUnknown,
// or *TooManyFailures for a client (see WithClient) that failed too often.
func (a *Authenticator) Authenticate(ctx context.Context, secret string) (Key, error) {
	client := clientFrom(ctx)
	if secret == "" {
		return Key{}, a.fail(client)
	}
	hash := Hash(secret)
	now := a.now()
	if c, ok := a.known.Get(hash); ok && now.Before(c.expires) {
		if !c.key.Active() {
			return Key{}, a.fail(client)
		}
		return c.key, nil
	}
	if exp, ok := a.unknown.Get(hash); ok && now.Before(exp) {
		return Key{}, a.fail(client)
	}
	if err := a.blocked(client); err != nil {
		return Key{}, err
	}
	lctx, cancel := context.WithTimeout(ctx, a.opts.LookupTimeout)
	k, err := a.lookup(lctx, hash)
	cancel()
	switch {
	case fault.CodeOf(err) == fault.NotFound:
		a.unknown.Add(hash, now.Add(a.opts.TTL))
		return Key{}, a.fail(client)
	case err != nil:
		return Key{}, fmt.Errorf("look up api key: %w", err)
	}
	a.known.Add(hash, cached{key: k, expires: now.Add(a.opts.TTL)})
	if !k.Active() {
		return Key{}, a.fail(client)
	}
	return k, nil
}

// limiter returns the client's failure limiter, or nil when there is no limit.
func (a *Authenticator) limiter(client string) *rate.Limiter {
	if a.opts.FailuresPerMinute <= 0 || client == "" {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	l, ok := a.failures.Get(client)
	if !ok {
		n := a.opts.FailuresPerMinute
		l = rate.NewLimiter(rate.Every(time.Minute/time.Duration(n)), n)
		a.failures.Add(client, l)
	}
	return l
}

// blocked reports whether the client has no failures left to spend.
func (a *Authenticator) blocked(client string) error {
	l := a.limiter(client)
	if l == nil {
		return nil
	}
	if tokens := l.TokensAt(a.now()); tokens < 1 {
		wait := time.Duration((1 - tokens) * float64(time.Minute) / float64(a.opts.FailuresPerMinute))
		retry := max(time.Second, wait)
		return &fault.Error{Code: fault.RateLimited, Message: "too many failed authentications from this address; retry later",
			RetryAfter: retry, Err: &TooManyFailures{RetryAfter: retry}}
	}
	return nil
}

// fail spends one of the client's failures and returns ErrUnknown.
func (a *Authenticator) fail(client string) error {
	if l := a.limiter(client); l != nil {
		l.AllowN(a.now(), 1)
	}
	return ErrUnknown
}

type keyCtx struct{}

// WithKey returns ctx carrying the authenticated key.
func WithKey(ctx context.Context, k Key) context.Context { return context.WithValue(ctx, keyCtx{}, k) }

// FromContext returns the authenticated key of the request, if any.
func FromContext(ctx context.Context) (Key, bool) {
	k, ok := ctx.Value(keyCtx{}).(Key)
	return k, ok
}

type clientCtx struct{}

// WithClient returns ctx carrying the address of the client (host of
// http.Request.RemoteAddr), whose failed authentications are counted.
func WithClient(ctx context.Context, remoteAddr string) context.Context {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	return context.WithValue(ctx, clientCtx{}, host)
}

func clientFrom(ctx context.Context) string {
	c, _ := ctx.Value(clientCtx{}).(string)
	return c
}

// Forget drops every cached answer, so that a key revoked through this
// process stops working at once here (other processes notice within the TTL).
func (a *Authenticator) Forget() {
	a.known.Purge()
	a.unknown.Purge()
}
