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

// NewID returns a new random key id: "key_" and 16 hex digits. Ids are
// public (listed, logged, in URLs), so they carry nothing of the secret: an id
// derived from the secret's unsalted hash would let anyone who sees it test
// guesses of a weak secret offline. Keys made before ids were random keep
// their hash-derived ids and keep working, since keys are found by hash.
func NewID() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("generate key id: %w", err)
	}
	return "key_" + hex.EncodeToString(b[:]), nil
}

// MinSecretLength is the shortest secret an operator may configure (the
// bootstrap key). Generated secrets are 35 characters with 160 random bits.
const MinSecretLength = 32

// CheckStrength refuses a configured secret that is too short or too uniform
// to be a random one: it is the admin key of every tenant, and the API
// answers guesses as fast as the network allows.
func CheckStrength(secret string) error {
	if len(secret) < MinSecretLength {
		return fmt.Errorf("the key has %d characters; use at least %d random ones (e.g. lw_$(openssl rand -hex 20))", len(secret), MinSecretLength)
	}
	distinct := map[rune]bool{}
	for _, r := range secret {
		distinct[r] = true
	}
	if len(distinct) < 10 {
		return fmt.Errorf("the key uses only %d distinct characters; use a random one (e.g. lw_$(openssl rand -hex 20))", len(distinct))
	}
	return nil
}
