package apikey

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/fault"
)

// ErrUnknown means no active key has the given secret; its code is
// fault.Unauthorized, which answers 401.
var ErrUnknown = &fault.Error{Code: fault.Unauthorized, Message: "unknown or revoked API key"}

// Lookup finds a stored key by the hash of its secret, failing with code
// fault.NotFound for a hash it does not know (store.Keys' KeyByHash is one).
type Lookup func(ctx context.Context, hash string) (Key, error)

// Authenticator resolves secrets to keys. It caches answers for a short TTL so
// that a busy agent does not cost a store round trip per request; a revoked key
// therefore keeps working for up to one TTL.
type Authenticator struct {
	lookup Lookup
	ttl    time.Duration
	max    int
	now    func() time.Time

	mu    sync.Mutex
	cache map[string]cached
}

type cached struct {
	key     Key
	known   bool
	expires time.Time
}

// NewAuthenticator returns an Authenticator over lookup, caching up to 10,000 answers for ttl.
func NewAuthenticator(lookup Lookup, ttl time.Duration) *Authenticator {
	return &Authenticator{lookup: lookup, ttl: ttl, max: 10000, now: time.Now, cache: map[string]cached{}}
}

// Authenticate returns the active key whose secret this is, or ErrUnknown.
func (a *Authenticator) Authenticate(ctx context.Context, secret string) (Key, error) {
	if secret == "" {
		return Key{}, ErrUnknown
	}
	hash := Hash(secret)
	now := a.now()
	a.mu.Lock()
	c, ok := a.cache[hash]
	a.mu.Unlock()
	if !ok || now.After(c.expires) {
		k, err := a.lookup(ctx, hash)
		switch {
		case fault.CodeOf(err) == fault.NotFound:
			c = cached{expires: now.Add(a.ttl)}
		case err != nil:
			return Key{}, fmt.Errorf("look up api key: %w", err)
		default:
			c = cached{key: k, known: true, expires: now.Add(a.ttl)}
		}
		a.mu.Lock()
		if len(a.cache) >= a.max {
			clear(a.cache) // crude but bounded; a flood of random secrets cannot grow memory
		}
		a.cache[hash] = c
		a.mu.Unlock()
	}
	if !c.known || !c.key.Active() {
		return Key{}, ErrUnknown
	}
	return c.key, nil
}

type keyCtx struct{}

// WithKey returns ctx carrying the authenticated key.
func WithKey(ctx context.Context, k Key) context.Context { return context.WithValue(ctx, keyCtx{}, k) }

// FromContext returns the authenticated key of the request, if any.
func FromContext(ctx context.Context) (Key, bool) {
	k, ok := ctx.Value(keyCtx{}).(Key)
	return k, ok
}

// Forget drops every cached answer, so that a key revoked through this
// process stops working at once here (other processes notice within the TTL).
func (a *Authenticator) Forget() {
	a.mu.Lock()
	clear(a.cache)
	a.mu.Unlock()
}
