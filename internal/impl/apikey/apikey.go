// Package apikey defines API keys: how they are generated, hashed, scoped and
// checked. Secrets are never stored; only their SHA-256 hashes are.
package apikey

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Scope is a permission an API key carries.
type Scope string

// The scopes.
const (
	ScopeIngest Scope = "ingest"
	ScopeRead   Scope = "read"
	ScopeAdmin  Scope = "admin"
)

// DefaultTenant is the tenant of the bootstrap key; its admins may manage every tenant.
const DefaultTenant = "default"

// Key is a stored API key. It never holds the secret.
type Key struct {
	ID        string
	Name      string
	Tenant    string
	Scopes    []Scope
	Hash      string // hex SHA-256 of the secret
	CreatedAt time.Time
	RevokedAt *time.Time
}

// Has reports whether the key carries scope s.
func (k Key) Has(s Scope) bool { return slices.Contains(k.Scopes, s) }

// Active reports whether the key is not revoked.
func (k Key) Active() bool { return k.RevokedAt == nil }

// secretPrefix marks Lightwatch secrets so that secret scanners can find leaked ones.
const secretPrefix = "lw_"

// NewSecret returns a new random secret: "lw_" and 32 base32 characters (160 bits).
func NewSecret() (string, error) {
	var b [20]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("generate api key: %w", err)
	}
	return secretPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:])), nil
}

// Hash returns the hex SHA-256 of a secret. A fast hash is right here: secrets
// are random and long, so there is nothing for a slow hash to protect.
func Hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// IDFromHash derives a key's public id from its hash, so that the same secret
// always yields the same key id (bootstrap keys are idempotent across restarts).
func IDFromHash(hash string) string { return "key_" + hash[:16] }
