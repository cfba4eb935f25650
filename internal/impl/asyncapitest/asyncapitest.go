// Package asyncapitest checks AsyncAPI documents, and real WebSocket messages
// against them, from Go tests. It runs asyncapi/tools/validate.mjs (Node,
// @asyncapi/parser with ajv): there is no AsyncAPI parser for Go that the
// module proxy serves, and the Node parser is the reference implementation.
//
// It needs `node` on PATH and the tools installed (`make asyncapi-tools`,
// which `make test` runs first). Import it from tests only.
//
// Each call starts one Node process (about 2-4 s: most of it loading the
// parser), so collect a test's messages and check them in one call.
package asyncapitest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// DefaultDoc is the realtime WebSocket contract, relative to the module root.
const DefaultDoc = "asyncapi/realtime.yaml"

// script is the validator, relative to the module root.
const script = "asyncapi/tools/validate.mjs"

// timeout bounds one run of the validator.
const timeout = 2 * time.Minute

// Validate fails the test unless doc is a valid AsyncAPI document: it parses,
// every $ref resolves (file references into openapi/ included), and every
// message example matches its payload schema. doc is a path relative to the
// module root (or absolute); "" means DefaultDoc. Warnings are logged.
func Validate(t testing.TB, doc string) {
	t.Helper()
	out, err := run(t, doc, nil)
	if err != nil {
		t.Fatalf("asyncapitest: %s: %v\n%s", docName(doc), err, out)
	}
	t.Logf("asyncapitest: %s", strings.TrimSpace(out))
}

// Messages fails the test unless every message is valid on channel, a channel
// address ("/ws/logs") or id ("logs") of doc: each must match the payload
// schema of one of the messages the server sends on that channel (chosen by
// its "type"). An element of msgs may be a whole WebSocket text frame: it is
// split on "\n" and each non-empty line checked as one message. Every invalid
// message is reported, with its path and the schema's complaint.
func Messages(t testing.TB, doc, channel string, msgs [][]byte) {
	t.Helper()
	check(t, doc, set{channel, "server", msgs})
}

// set is messages of one channel and direction: from "server" (server to
// client) or "client" (client to server).
type set struct {
	channel, from string
	msgs          [][]byte
}

// check is Messages for any number of sets, in one run of the validator.
func check(t testing.TB, doc string, sets ...set) {
	t.Helper()
	var all []byte
	nbad := 0
	for _, s := range sets {
		lines, bad := samples(s.channel, s.from, s.msgs)
		for _, b := range bad {
			t.Errorf("asyncapitest: %s", b)
		}
		nbad += len(bad)
		all = append(all, lines...)
	}
	if len(all) == 0 {
		if nbad == 0 {
			t.Fatalf("asyncapitest: no messages to check")
		}
		t.FailNow()
	}
	out, err := run(t, doc, all)
	if err != nil {
		t.Fatalf("asyncapitest: messages do not match %s: %v\n%s", docName(doc), err, out)
	}
}

// samples turns frames into NDJSON lines for validate.mjs: one
// {"channel","from","message"} object per message. Lines that are not JSON
// are returned in bad (the validator could not be given them verbatim).
func samples(channel, from string, msgs [][]byte) (ndjson []byte, bad []string) {
	var buf bytes.Buffer
	for i, frame := range msgs {
		for j, line := range bytes.Split(frame, []byte("\n")) {
			line = bytes.TrimSpace(line)
			if len(line) == 0 {
				continue
			}
			if !json.Valid(line) {
				bad = append(bad, fmt.Sprintf("message %d line %d on %s is not JSON: %.200q", i, j+1, channel, line))
				continue
			}
			sample, err := json.Marshal(struct {
				Channel string          `json:"channel"`
				From    string          `json:"from"`
				Message json.RawMessage `json:"message"`
			}{channel, from, line})
			if err != nil { // unreachable: line is valid JSON
				bad = append(bad, fmt.Sprintf("message %d line %d: %v", i, j+1, err))
				continue
			}
			buf.Write(sample)
			buf.WriteByte('\n')
		}
	}
	return buf.Bytes(), bad
}

// run starts validate.mjs on doc, with the samples (NDJSON) if any, from the
// module root. It returns the combined output and a non-nil error when the
// script did not exit 0.
func run(t testing.TB, doc string, samples []byte) (string, error) {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatalf("asyncapitest: %v", err)
	}
	if doc == "" {
		doc = DefaultDoc
	}
	if !filepath.IsAbs(doc) {
		doc = filepath.Join(root, doc)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("asyncapitest: node (Node.js 18+) is needed to validate AsyncAPI documents: %v", err)
	}
	tools := filepath.Join(root, filepath.Dir(script))
	if _, err := os.Stat(filepath.Join(tools, "node_modules", "@asyncapi", "parser")); err != nil {
		t.Fatalf("asyncapitest: %s/node_modules is not installed: run `make asyncapi-tools` (npm ci --prefix asyncapi/tools)", tools)
	}
	args := []string{filepath.Join(root, script), "--doc", doc}
	if samples != nil {
		f := filepath.Join(t.TempDir(), "messages.ndjson")
		if err := os.WriteFile(f, samples, 0o600); err != nil {
			t.Fatalf("asyncapitest: %v", err)
		}
		args = append(args, f)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err = cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("validator timed out after %v: %w", timeout, err)
	}
	return out.String(), err
}

// moduleRoot walks up from the working directory (a test's package
// directory) to the directory holding go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

func docName(doc string) string {
	if doc == "" {
		return DefaultDoc
	}
	return doc
}
