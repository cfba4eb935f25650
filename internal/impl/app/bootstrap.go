package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// BootstrapKeyFile is where the embedded default keeps the key it generated,
// inside the data directory, readable by its owner only.
const BootstrapKeyFile = "bootstrap-key"

// ensureBootstrapKey makes sure an admin key of tenant default exists at
// start-up: the configured one, or else (embedded default only) one generated
// on first start, printed once to out and kept in the data directory.
func ensureBootstrapKey(ctx context.Context, keys store.Keys, secret, dataDir string, embedded bool, out io.Writer, logger *slog.Logger) error {
	if secret == "" && embedded {
		path := filepath.Join(dataDir, BootstrapKeyFile)
		b, err := os.ReadFile(path)
		switch {
		case err == nil:
			secret = strings.TrimSpace(string(b))
			logger.Info("bootstrap API key loaded", "file", path)
		case errors.Is(err, fs.ErrNotExist):
			if secret, err = apikey.NewSecret(); err != nil {
				return err
			}
			if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
				return fmt.Errorf("keep bootstrap key: %w", err)
			}
			fmt.Fprintf(out, "\nGenerated the bootstrap API key (admin, ingest, read; tenant %q); it is shown only now and kept in %s:\n\n    %s\n\n",
				apikey.DefaultTenant, path, secret)
		default:
			return fmt.Errorf("read bootstrap key: %w", err)
		}
	}
	if secret == "" {
		return nil // production without a bootstrap key: keys were created earlier
	}
	if err := apikey.CheckStrength(secret); err != nil {
		return fmt.Errorf("LIGHTWATCH_BOOTSTRAP_KEY is too weak: %w", err)
	}
	// The key may exist already (a restart, another instance): keep it as it
	// is, with its id and, if an admin revoked it, revoked.
	hash := apikey.Hash(secret)
	exists := func() (bool, error) {
		_, err := keys.KeyByHash(ctx, hash)
		if errors.Is(err, store.ErrNotFound) {
			return false, nil
		}
		return err == nil, err
	}
	if ok, err := exists(); ok || err != nil {
		if err != nil {
			return fmt.Errorf("look up bootstrap key: %w", err)
		}
		return nil
	}
	id, err := apikey.NewID()
	if err != nil {
		return err
	}
	err = keys.PutKey(ctx, apikey.Key{
		ID: id, Name: "bootstrap", Tenant: apikey.DefaultTenant,
		Scopes: []apikey.Scope{apikey.ScopeAdmin, apikey.ScopeIngest, apikey.ScopeRead},
		Hash:   hash, CreatedAt: time.Now().UTC(),
	})
	if err != nil {
		if ok, _ := exists(); ok {
			return nil // another instance stored it first (the hash is unique)
		}
		return fmt.Errorf("store bootstrap key: %w", err)
	}
	return nil
}
