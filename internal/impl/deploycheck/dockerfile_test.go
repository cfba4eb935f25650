package deploycheck_test

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/lightwatch/lightwatch/internal/impl/app"
	"github.com/lightwatch/lightwatch/internal/impl/deploycheck"
)

// deploy/Dockerfile builds from paths that exist, compiles a static binary
// of an existing main package for every service compose builds, and runs it
// as non-root on distroless, probing itself for health.
func TestDockerfile(t *testing.T) {
	path := repoPath("deploy", "Dockerfile")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ins, err := deploycheck.ParseDockerfile(f)
	if err != nil {
		t.Fatal(err)
	}
	var (
		stages   []string // FROM images, in order
		names    = map[string]bool{}
		copied   []string
		built    string
		user     string
		entry    string
		health   string
		goImage  string
		lastFrom string
	)
	for _, in := range ins {
		switch in.Cmd {
		case "FROM":
			fields := strings.Fields(in.Args)
			stages = append(stages, fields[0])
			lastFrom = fields[0]
			if len(fields) == 3 && strings.EqualFold(fields[1], "AS") {
				names[fields[2]] = true
			}
			if strings.HasPrefix(fields[0], "golang:") {
				goImage = fields[0]
			}
			user = "" // USER is per stage
		case "COPY":
			flags, args := in.Flags()
			if len(args) < 2 {
				t.Errorf("line %d: COPY %s", in.Line, in.Args)
				continue
			}
			if from, ok := flags["from"]; ok {
				if !names[from] {
					t.Errorf("line %d: COPY --from=%s names no earlier stage", in.Line, from)
				}
				continue
			}
			for _, src := range args[:len(args)-1] {
				copied = append(copied, src)
				if _, err := os.Stat(repoPath(src)); err != nil {
					t.Errorf("line %d: COPY %s: not in the build context (the repository root): %v", in.Line, src, err)
				}
			}
		case "RUN":
			if strings.Contains(in.Args, "go build") {
				built = in.Args
			}
		case "USER":
			user = in.Args
		case "ENTRYPOINT":
			entry = in.Args
		case "HEALTHCHECK":
			health = in.Args
		}
	}
	if len(stages) < 2 {
		t.Fatalf("stages %v: want a build stage and a runtime stage", stages)
	}
	// The Go of the build stage is the one go.mod asks for.
	goVersion := goModVersion(t)
	if !strings.HasPrefix(goImage, "golang:"+goVersion) {
		t.Errorf("build stage %s, want golang:%s (go.mod: go %s)", goImage, goVersion, goVersion)
	}
	if !strings.Contains(built, "CGO_ENABLED=0") || !strings.Contains(built, "-o /out/service") {
		t.Errorf("go build %q: want CGO_ENABLED=0 (static) and -o /out/service", built)
	}
	m := regexp.MustCompile(`\./cmd/\$\{?SERVICE\}?\b`).FindString(built)
	if m == "" {
		t.Errorf("go build %q does not build ./cmd/${SERVICE}", built)
	}
	// Every SERVICE compose builds, and the default, is a main package.
	p := loadCompose(t, map[string]string{"LIGHTWATCH_BOOTSTRAP_KEY": testKey}, repoPath("compose.yaml"))
	for name := range lightwatchServices {
		if arg := p.Services[name].Build.Args["SERVICE"]; arg != nil {
			checkMainPackage(t, repoPath("cmd", *arg))
		}
	}
	checkMainPackage(t, repoPath("cmd", "lightwatch"))

	if !strings.HasPrefix(lastFrom, "gcr.io/distroless/static") || !strings.HasSuffix(lastFrom, ":nonroot") {
		t.Errorf("runtime stage %s, want gcr.io/distroless/static…:nonroot", lastFrom)
	}
	if !strings.HasPrefix(user, "nonroot") {
		t.Errorf("runtime USER %q, want nonroot", user)
	}
	if entry != `["/service"]` {
		t.Errorf("ENTRYPOINT %s, want [\"/service\"]", entry)
	}
	if !strings.HasSuffix(health, `CMD ["/service", "`+app.HealthcheckCommand+`"]`) {
		t.Errorf("HEALTHCHECK %s, want CMD [\"/service\", %q]", health, app.HealthcheckCommand)
	}

	// The Dockerfile's ignore file lets through what the build copies.
	ignore := readLines(t, repoPath("deploy", "Dockerfile.dockerignore"))
	for _, src := range copied {
		if !slices.Contains(ignore, "!"+src) {
			t.Errorf("deploy/Dockerfile.dockerignore does not re-include %s, which the build copies", src)
		}
	}
}

func goModVersion(t *testing.T) string {
	t.Helper()
	for _, l := range readLines(t, repoPath("go.mod")) {
		if v, ok := strings.CutPrefix(l, "go "); ok {
			parts := strings.Split(v, ".")
			return strings.Join(parts[:min(2, len(parts))], ".")
		}
	}
	t.Fatal("go.mod has no go line")
	return ""
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(filepath.Clean(path))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		out = append(out, strings.TrimSpace(sc.Text()))
	}
	return out
}

func TestParseDockerfile(t *testing.T) {
	ins, err := deploycheck.ParseDockerfile(strings.NewReader("# syntax=docker/dockerfile:1\nFROM a AS b\n\nRUN x \\\n  # note\n  y \\\n  z\ncopy --from=b /o /p\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []deploycheck.Instruction{{Line: 2, Cmd: "FROM", Args: "a AS b"}, {Line: 4, Cmd: "RUN", Args: "x y z"}, {Line: 8, Cmd: "COPY", Args: "--from=b /o /p"}}
	if len(ins) != len(want) {
		t.Fatalf("got %+v, want %+v", ins, want)
	}
	for i := range want {
		if ins[i] != want[i] {
			t.Errorf("instruction %d = %+v, want %+v", i, ins[i], want[i])
		}
	}
	if flags, args := ins[2].Flags(); flags["from"] != "b" || len(args) != 2 {
		t.Errorf("Flags() = %v %v", flags, args)
	}
	if _, err := deploycheck.ParseDockerfile(strings.NewReader("RUN a \\\n")); err == nil {
		t.Error("a dangling continuation parsed")
	}
}
