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

// target is the server under load.
type target struct {
	base    string // http://127.0.0.1:PORT
	key     string
	spawned *loadtest.Server // nil for -url

	// rss returns the server's current resident memory in bytes.
	rss func(ctx context.Context) (int64, error)
	// hwm returns its peak resident memory since start (VmHWM); nil when unknown.
	hwm func() (int64, error)
	// dataDir is the spawned server's data directory; stopped is set once
	// reportDisk stopped it.
	dataDir string
	stopped bool
}

// setUpTarget spawns the server or checks the one at -url, and prints what is
// measured. cleanup stops a spawned server (SIGTERM, wait) and removes its temp dir.
func setUpTarget(ctx context.Context, o *options, stdout, stderr io.Writer) (*target, func() error, error) {
	if o.url != "" {
		t := &target{base: o.url, key: o.key}
		t.rss = func(ctx context.Context) (int64, error) { return loadtest.MetricsRSS(ctx, t.base) }
		if err := loadtest.WaitReady(ctx, t.base, nil, 10*time.Second); err != nil {
			return nil, nil, err
		}
		fmt.Fprintf(stdout, "target   %s (running server; RSS from /metrics %s, sampled every 1s)\n", t.base, metricsRSSSample)
		fmt.Fprintf(stdout, "note     %s\n\n", rateLimitNoteExternal)
		return t, func() error { return nil }, nil
	}

	dir, err := os.MkdirTemp("", "lightwatch-load-")
	if err != nil {
		return nil, nil, err
	}
	removeDir := func() error {
		if o.keep {
			fmt.Fprintf(stderr, "lightwatch-load: kept %s\n", dir)
			return nil
		}
		return os.RemoveAll(dir)
	}
	bin := o.serverBin
	if bin == "" {
		bin = filepath.Join(dir, "lightwatch")
		fmt.Fprintf(stderr, "lightwatch-load: no -server-bin: go build -o %s ./cmd/lightwatch\n", bin)
		if err := loadtest.Build(ctx, bin, stderr); err != nil {
			_ = removeDir()
			return nil, nil, err
		}
	}
	if o.key == "" {
		if o.key, err = loadtest.NewKey(); err != nil {
			_ = removeDir()
			return nil, nil, err
		}
	}
	s, err := loadtest.Spawn(bin, dir, o.key, o.serverEnv)
	if err != nil {
		_ = removeDir()
		return nil, nil, err
	}
	var t *target
	cleanup := func() error {
		if t != nil && t.stopped {
			return removeDir()
		}
		err := s.Stop(45 * time.Second)
		if err != nil {
			err = fmt.Errorf("server: %w\n%s", err, s.LogTail())
		}
		return errors.Join(err, removeDir())
	}
	if err := loadtest.WaitReady(ctx, s.Base, s.Exited(), readyTimeout); err != nil {
		err = fmt.Errorf("%w\n%s", err, s.LogTail())
		return nil, nil, errors.Join(err, cleanup())
	}
	t = &target{base: s.Base, key: o.key, spawned: s,
		rss:     func(context.Context) (int64, error) { return s.RSS() },
		hwm:     s.HWM,
		dataDir: filepath.Join(dir, "data"),
	}
	fmt.Fprintf(stdout, "target   %s (spawned %s, pid %d, embedded defaults, data and log in %s)\n", s.Base, bin, s.Pid(), dir)
	if len(o.serverEnv) > 0 {
		fmt.Fprintf(stdout, "env      %s\n", strings.Join(o.serverEnv, " "))
	}
	fmt.Fprintf(stdout, "note     %s\n\n", rateLimitNote)
	return t, cleanup, nil
}

// reportDisk prints what the spawned server's data directory holds per stored
// event: it reads how many events were stored (acknowledged less duplicates)
// from /metrics, stops the server gracefully (which compacts the embedded
// store's head into blocks and checkpoints its write-ahead log), then adds up
// the directory's files, the write-ahead log included.
func (t *target) reportDisk(ctx context.Context, w io.Writer) error {
	if t.spawned == nil {
		return nil
	}
	accepted, err := loadtest.MetricsSum(ctx, t.base, "lightwatch_events_accepted_total")
	if err != nil {
		return err
	}
	dups, err := loadtest.MetricsSum(ctx, t.base, "lightwatch_events_duplicate_total")
	if err != nil {
		return err
	}
	t.stopped = true
	if err := t.spawned.Stop(45 * time.Second); err != nil {
		return fmt.Errorf("server: %w\n%s", err, t.spawned.LogTail())
	}
	size, err := loadtest.DirBytes(t.dataDir)
	if err != nil {
		return err
	}
	stored := int64(accepted - dups)
	per := "n/a"
	if stored > 0 {
		per = fmt.Sprintf("%.1f", float64(size)/float64(stored))
	}
	fmt.Fprintf(w, "\ndisk         %s bytes per stored event (%d bytes in the data directory, WAL included, after a graceful stop; %d events stored)\n",
		per, size, stored)
	return nil
}
