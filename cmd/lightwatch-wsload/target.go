package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/loadtest"
)

// target is the server under load for one scenario.
type target struct {
	base, key, desc string
	spawned         bool
	rss             func(ctx context.Context) (int64, error)
	hwm             func() (int64, error)         // nil when unknown
	cpu             func() (time.Duration, error) // nil when unknown
	cleanup         func() error
}

// factory makes each scenario's target: a fresh spawned server, or the
// running one at -url.
type factory struct {
	o        *options
	stderr   io.Writer
	bin      string
	buildDir string
}

// newFactory builds the server when spawning without -server-bin.
func newFactory(ctx context.Context, o *options, stderr io.Writer) (*factory, error) {
	f := &factory{o: o, stderr: stderr, bin: o.serverBin}
	if o.url != "" || f.bin != "" {
		return f, nil
	}
	dir, err := os.MkdirTemp("", "lightwatch-wsload-bin-")
	if err != nil {
		return nil, err
	}
	f.buildDir, f.bin = dir, filepath.Join(dir, "lightwatch")
	fmt.Fprintf(stderr, "lightwatch-wsload: no -server-bin: go build -o %s ./cmd/lightwatch\n", f.bin)
	if err := loadtest.Build(ctx, f.bin, stderr); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return f, nil
}

func (f *factory) close() {
	if f.buildDir != "" {
		_ = os.RemoveAll(f.buildDir)
	}
}

func (f *factory) target(ctx context.Context) (*target, error) {
	o := f.o
	if o.url != "" {
		if err := loadtest.WaitReady(ctx, o.url, nil, 10*time.Second); err != nil {
			return nil, err
		}
		base := o.url
		return &target{
			base: base, key: o.key,
			desc:    base + " (running server; RSS from /metrics " + loadtest.MetricsRSSSample + ", sampled every 1s; rate limiting as configured there)",
			rss:     func(ctx context.Context) (int64, error) { return loadtest.MetricsRSS(ctx, base) },
			cleanup: func() error { return nil },
		}, nil
	}

	dir, err := os.MkdirTemp("", "lightwatch-wsload-")
	if err != nil {
		return nil, err
	}
	removeDir := func() error {
		if o.keep {
			fmt.Fprintf(f.stderr, "lightwatch-wsload: kept %s\n", dir)
			return nil
		}
		return os.RemoveAll(dir)
	}
	key := o.key
	if key == "" {
		if key, err = loadtest.NewKey(); err != nil {
			return nil, errors.Join(err, removeDir())
		}
	}
	s, err := loadtest.Spawn(f.bin, dir, key, o.serverEnv)
	if err != nil {
		return nil, errors.Join(err, removeDir())
	}
	cleanup := func() error {
		err := s.Stop(serverStopWait)
		if err != nil {
			err = fmt.Errorf("server: %w\n%s", err, s.LogTail())
		}
		return errors.Join(err, removeDir())
	}
	if err := loadtest.WaitReady(ctx, s.Base, s.Exited(), readyTimeout); err != nil {
		err = fmt.Errorf("%w\n%s", err, s.LogTail())
		return nil, errors.Join(err, cleanup())
	}
	desc := fmt.Sprintf("%s (spawned %s, pid %d, a fresh server for this scenario: embedded defaults, rate limiting on above the offered load, data and log in %s)", s.Base, f.bin, s.Pid(), dir)
	if len(o.serverEnv) > 0 {
		desc += "; env " + strings.Join(o.serverEnv, " ")
	}
	return &target{
		base: s.Base, key: key, desc: desc, spawned: true,
		rss:     func(context.Context) (int64, error) { return s.RSS() },
		hwm:     s.HWM,
		cpu:     s.CPU,
		cleanup: cleanup,
	}, nil
}
