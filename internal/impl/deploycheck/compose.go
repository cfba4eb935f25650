// Package deploycheck reads the deployment's files — compose.yaml (with
// compose-go, the loader of docker compose itself), the Traefik configuration
// in deploy/traefik/ and deploy/Dockerfile — into values that its tests
// assert, since no container engine runs where the tests do. Routes also
// gives the scale-out test the routing table that Traefik gets from the
// compose labels, so the test's proxy routes as Traefik would.
package deploycheck

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

// LoadCompose loads compose files as `docker compose -f a -f b` does:
// later files override earlier ones, relative paths resolve from the first
// file's directory, ${VAR} comes from env (and nowhere else, so the result
// never depends on the caller's environment or a .env file).
func LoadCompose(ctx context.Context, env map[string]string, files ...string) (*types.Project, error) {
	if len(files) == 0 {
		return nil, fmt.Errorf("load compose: no file")
	}
	var details types.ConfigDetails
	for _, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			return nil, fmt.Errorf("load compose: %w", err)
		}
		details.ConfigFiles = append(details.ConfigFiles, types.ConfigFile{Filename: abs})
	}
	details.WorkingDir = filepath.Dir(details.ConfigFiles[0].Filename)
	details.Environment = types.Mapping(env)
	p, err := loader.LoadWithContext(ctx, details, func(o *loader.Options) {
		o.ResolvePaths = true
	})
	if err != nil {
		return nil, fmt.Errorf("load compose %v: %w", files, err)
	}
	return p, nil
}
