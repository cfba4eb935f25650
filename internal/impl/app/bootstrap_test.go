package app_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/app"
	"github.com/lightwatch/lightwatch/internal/impl/config"
)

func TestEmbeddedDefaultGeneratesBootstrapKeyOnce(t *testing.T) {
	cfg, err := config.Load("test", nil, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = t.TempDir()
	logger := slog.New(slog.DiscardHandler)
	startOnce := func() string {
		var out bytes.Buffer
		a, err := app.New(context.Background(), cfg, app.Surfaces{Ingest: true}, logger, &out)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		return out.String()
	}
	first := startOnce()
	path := filepath.Join(cfg.DataDir, app.BootstrapKeyFile)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	secret := strings.TrimSpace(string(b))
	if !strings.Contains(first, secret) {
		t.Fatalf("first start did not print the key:\n%s", first)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", st.Mode().Perm())
	}
	if second := startOnce(); strings.Contains(second, secret) {
		t.Fatalf("second start printed the key again:\n%s", second)
	}

	a, err := app.New(context.Background(), cfg, app.Surfaces{Ingest: true}, logger, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	k, err := a.Store().KeyByHash(context.Background(), apikey.Hash(secret))
	if err != nil {
		t.Fatal(err)
	}
	if k.Tenant != apikey.DefaultTenant || !k.Has(apikey.ScopeAdmin) || !k.Has(apikey.ScopeIngest) || !k.Has(apikey.ScopeRead) {
		t.Fatalf("bootstrap key %+v", k)
	}
	if k.Hash == secret || strings.Contains(k.Hash, secret) {
		t.Fatal("the store holds the secret, not its hash")
	}
}
