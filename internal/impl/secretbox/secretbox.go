// Package secretbox encrypts short secrets at rest (webhook signing secrets
// in alert rules) with AES-256-GCM under a server key, so that a copy of the
// store (a backup, a replica, a stolen disk) does not hand out the secrets
// that let anyone forge Lightwatch's webhook signatures.
//
// A sealed value is "lwenc:v1:" and the base64url of nonce and ciphertext.
// Values without that prefix are plaintext written before encryption was on,
// and Open returns them as they are: existing rows keep working, and are
// sealed the next time their rule is saved.
package secretbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// KeySize is the length of a server key: AES-256.
const KeySize = 32

const prefix = "lwenc:v1:"

// Box seals and opens secrets under one key. A nil *Box seals nothing and
// opens only plaintext.
type Box struct{ aead cipher.AEAD }

// New returns a Box for a KeySize-byte key.
func New(key []byte) (*Box, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("secretbox: key must be %d bytes, got %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secretbox: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secretbox: %w", err)
	}
	return &Box{aead: aead}, nil
}

// ParseKey reads a key written as 64 hex digits or as base64 (standard or
// URL alphabet, padded or not) of 32 bytes.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if b, err := hex.DecodeString(s); err == nil && len(b) == KeySize {
		return b, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) == KeySize {
			return b, nil
		}
	}
	return nil, errors.New("secretbox: want 32 bytes as 64 hex digits or base64 (openssl rand -hex 32)")
}

// LoadOrCreate reads the key kept at path, creating a random one (mode 0600)
// on first use: the embedded single-process default.
func LoadOrCreate(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		return ParseKey(string(b))
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("secretbox: read key: %w", err)
	}
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("secretbox: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("secretbox: keep key: %w", err)
	}
	if err := os.WriteFile(path, []byte(hex.EncodeToString(key)+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("secretbox: keep key: %w", err)
	}
	return key, nil
}

// Sealed reports whether v is a sealed value.
func Sealed(v string) bool { return strings.HasPrefix(v, prefix) }

// Seal encrypts plain; "" and values already sealed are returned unchanged,
// and so is everything when b is nil.
func (b *Box) Seal(plain string) (string, error) {
	if b == nil || plain == "" || Sealed(plain) {
		return plain, nil
	}
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("secretbox: %w", err)
	}
	out := b.aead.Seal(nonce, nonce, []byte(plain), nil)
	return prefix + base64.RawURLEncoding.EncodeToString(out), nil
}

// Open decrypts a sealed value; plaintext is returned as it is.
func (b *Box) Open(v string) (string, error) {
	rest, ok := strings.CutPrefix(v, prefix)
	if !ok {
		return v, nil
	}
	if b == nil {
		return "", errors.New("secretbox: value is sealed but no key is configured (LIGHTWATCH_SECRET_KEY)")
	}
	raw, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil || len(raw) < b.aead.NonceSize() {
		return "", errors.New("secretbox: malformed sealed value")
	}
	n := b.aead.NonceSize()
	plain, err := b.aead.Open(nil, raw[:n], raw[n:], nil)
	if err != nil {
		return "", errors.New("secretbox: cannot open the value with this key (was LIGHTWATCH_SECRET_KEY changed?)")
	}
	return string(plain), nil
}
