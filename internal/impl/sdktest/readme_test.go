package sdktest_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readmeSection is the README section whose examples testReadmeExamples runs.
const readmeSection = "## Client SDKs"

// readmeBase is the server the README's examples talk to; the test points
// them at the live one.
const readmeBase = "http://localhost:8080"

// readmeExamples returns the code blocks of the README's SDK section by
// language (go, ts, python), with the base URL replaced by url.
func readmeExamples(t *testing.T, url string) map[string]string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	start := strings.Index(text, "\n"+readmeSection+"\n")
	if start < 0 {
		t.Fatalf("README has no %q section", readmeSection)
	}
	section := text[start+1:]
	if end := strings.Index(section[len(readmeSection):], "\n## "); end >= 0 {
		section = section[:len(readmeSection)+end]
	}
	blocks := map[string]string{}
	for _, m := range regexp.MustCompile("(?s)```(go|ts|python)\n(.*?)```").FindAllStringSubmatch(section, -1) {
		blocks[m[1]] = strings.ReplaceAll(m[2], readmeBase, url)
	}
	for _, lang := range []string{"go", "ts", "python"} {
		if blocks[lang] == "" {
			t.Fatalf("README %s has no %s example", readmeSection, lang)
		}
	}
	return blocks
}

// goExampleProgram makes the Go example a program: it runs with ctx and key
// in scope, as the README says.
func goExampleProgram(example string) string {
	return `package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"os"

	"github.com/lightwatch/lightwatch/internal/gen/sdk/go/ingestclient"
	"github.com/lightwatch/lightwatch/internal/gen/sdk/go/queryclient"
)

// Whatever the example leaves unused still compiles.
var _, _, _, _ = json.Marshal, fmt.Println, log.Fatal, http.MethodGet

func main() {
	ctx, key := context.Background(), os.Getenv("LW_KEY")
	_, _ = ctx, key
` + example + `}
`
}

// testReadmeExamples runs the README's Go, TypeScript and Python examples,
// as printed, against the live server.
func testReadmeExamples(t *testing.T, srv live) {
	examples := readmeExamples(t, srv.url)
	modRoot, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()

	// Go: compiled inside this module (an overlay adds the file without
	// writing into the tree), then run.
	src := filepath.Join(tmp, "main.go")
	if err := os.WriteFile(src, []byte(goExampleProgram(examples["go"])), 0o644); err != nil {
		t.Fatal(err)
	}
	overlay, _ := json.Marshal(map[string]any{"Replace": map[string]string{
		filepath.Join(modRoot, "internal/impl/sdktest/readmeexample/main.go"): src,
	}})
	overlayFile := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(overlayFile, overlay, 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(tmp, "example")
	run(t, modRoot, os.Environ(), "go", "build", "-overlay", overlayFile, "-o", bin, "./internal/impl/sdktest/readmeexample")
	run(t, modRoot, srv.env("readme-go"), bin)

	// TypeScript: type-checked against the generated types and run, beside
	// copies of them, with the SDK tests' openapi-fetch.
	tsDir := tool(t, "internal/impl/sdktest/typescript", "node_modules/.bin/tsc")
	for _, f := range []string{"ingest.d.ts", "api.d.ts"} {
		b, err := os.ReadFile(filepath.Join(modRoot, "internal/gen/sdk/typescript", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(tmp, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(tsDir, "node_modules"), filepath.Join(tmp, "node_modules")); err != nil {
		t.Fatal(err)
	}
	tsconfig := `{"compilerOptions": {"target": "es2022", "module": "nodenext", "moduleResolution": "nodenext",
		"strict": true, "types": ["node"], "outDir": "out", "skipLibCheck": true}, "files": ["example.mts"]}`
	if err := os.WriteFile(filepath.Join(tmp, "tsconfig.json"), []byte(tsconfig), 0o644); err != nil {
		t.Fatal(err)
	}
	ts := strings.NewReplacer(`from "./ingest"`, `from "./ingest.js"`, `from "./api"`, `from "./api.js"`).Replace(examples["ts"])
	if err := os.WriteFile(filepath.Join(tmp, "example.mts"), []byte(ts), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, tmp, os.Environ(), filepath.Join(tsDir, "node_modules/.bin/tsc"), "-p", ".")
	run(t, tmp, srv.env("readme-ts"), "node", "out/example.mjs")

	// Python: with the generated packages on the path and key set.
	pyDir := tool(t, "internal/impl/sdktest/python", ".venv/bin/python")
	py := "import os\nkey = os.environ[\"LW_KEY\"]\n" + examples["python"]
	if err := os.WriteFile(filepath.Join(tmp, "example.py"), []byte(py), 0o644); err != nil {
		t.Fatal(err)
	}
	gen := filepath.Join(modRoot, "internal/gen/sdk/python")
	run(t, tmp, append(srv.env("readme-python"), "PYTHONPATH="+gen, "PYTHONDONTWRITEBYTECODE=1"),
		filepath.Join(pyDir, ".venv/bin/python"), "example.py")
}
