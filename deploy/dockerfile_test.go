package deploy

import (
	"encoding/json"
	"errors"
	"fmt"
	"go/version"
	"net"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	line int
	cmd  string // upper case
	args string
}

// stage is a FROM and the instructions after it.
type stage struct {
	name, image string
	instrs      []instruction
}

var dockerInstructions = map[string]bool{
	"FROM": true, "RUN": true, "CMD": true, "LABEL": true, "EXPOSE": true, "ENV": true, "ADD": true,
	"COPY": true, "ENTRYPOINT": true, "VOLUME": true, "USER": true, "WORKDIR": true, "ARG": true,
	"ONBUILD": true, "STOPSIGNAL": true, "HEALTHCHECK": true, "SHELL": true,
}

// parseDockerfile splits a Dockerfile into stages, as BuildKit reads it:
// comments and blank lines dropped (inside continuations too), lines ending
// in a backslash joined, each instruction a known one.
func parseDockerfile(src string) ([]stage, error) {
	var stages []stage
	var errs []error
	var cur strings.Builder
	start := 0
	flush := func() {
		text := strings.TrimSpace(cur.String())
		cur.Reset()
		if text == "" {
			return
		}
		word, args, _ := strings.Cut(text, " ")
		in := instruction{line: start, cmd: strings.ToUpper(word), args: strings.TrimSpace(args)}
		switch {
		case !dockerInstructions[in.cmd]:
			errs = append(errs, fmt.Errorf("line %d: unknown instruction %s", in.line, word))
		case in.cmd == "FROM":
			f := strings.Fields(in.args)
			s := stage{}
			switch {
			case len(f) == 1:
				s.image = f[0]
			case len(f) == 3 && strings.EqualFold(f[1], "AS"):
				s.image, s.name = f[0], f[2]
			default:
				errs = append(errs, fmt.Errorf("line %d: FROM %s: want FROM image [AS name]", in.line, in.args))
			}
			stages = append(stages, s)
		case len(stages) == 0:
			if in.cmd != "ARG" {
				errs = append(errs, fmt.Errorf("line %d: %s before the first FROM", in.line, in.cmd))
			}
		default:
			stages[len(stages)-1].instrs = append(stages[len(stages)-1].instrs, in)
		}
	}
	for i, line := range strings.Split(src, "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if cur.Len() == 0 {
			start = i + 1
		}
		if body, ok := strings.CutSuffix(strings.TrimRight(line, " \t"), `\`); ok {
			cur.WriteString(body + " ")
			continue
		}
		cur.WriteString(line)
		flush()
	}
	if cur.Len() > 0 {
		errs = append(errs, errors.New("the last instruction ends in a continuation"))
		flush()
	}
	if len(stages) == 0 {
		errs = append(errs, errors.New("no FROM"))
	}
	return stages, errors.Join(errs...)
}

// execForm parses an instruction's JSON exec form, ["a", "b"].
func execForm(in instruction) ([]string, error) {
	var argv []string
	if err := json.Unmarshal([]byte(in.args), &argv); err != nil || len(argv) == 0 {
		return nil, fmt.Errorf("line %d: %s %s: want the exec form [\"…\"]", in.line, in.cmd, in.args)
	}
	return argv, nil
}

// shellWords splits a shell command into words, honouring quotes; enough
// for the go build lines of a Dockerfile.
func shellWords(s string) []string {
	var words []string
	var w strings.Builder
	inWord := false
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				w.WriteRune(r)
			}
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}

// goBuild is one `go build` in a RUN.
type goBuild struct {
	env     map[string]string
	flags   map[string]string // -o, -ldflags, …; "" for a bare flag
	pkgs    []string
	ldflags []string
}

var assignment = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)

// goBuilds finds the go builds of a stage's RUN instructions.
func goBuilds(s stage) []goBuild {
	var builds []goBuild
	for _, in := range s.instrs {
		if in.cmd != "RUN" {
			continue
		}
		for _, seg := range regexp.MustCompile(`&&|;|\|\|`).Split(in.args, -1) {
			words := shellWords(seg)
			for len(words) > 0 && strings.HasPrefix(words[0], "--mount=") {
				words = words[1:]
			}
			b := goBuild{env: map[string]string{}, flags: map[string]string{}}
			for len(words) > 0 && assignment.MatchString(words[0]) {
				k, v, _ := strings.Cut(words[0], "=")
				b.env[k] = v
				words = words[1:]
			}
			if len(words) < 2 || words[0] != "go" || words[1] != "build" {
				continue
			}
			for i := 2; i < len(words); i++ {
				w := words[i]
				switch {
				case w == "-o" || w == "-ldflags" || w == "-tags" || w == "-gcflags":
					if i+1 < len(words) {
						b.flags[w] = words[i+1]
						i++
					}
				case strings.HasPrefix(w, "-"):
					k, v, _ := strings.Cut(w, "=")
					b.flags[k] = v
				default:
					b.pkgs = append(b.pkgs, w)
				}
			}
			b.ldflags = strings.Fields(b.flags["-ldflags"])
			builds = append(builds, b)
		}
	}
	return builds
}

// finalCopies maps each file the last stage copies from another stage to
// that stage and its source path.
type stageCopy struct{ from, src string }

func copiesFrom(s stage) map[string]stageCopy {
	m := map[string]stageCopy{}
	for _, in := range s.instrs {
		if in.cmd != "COPY" {
			continue
		}
		words := strings.Fields(in.args)
		from := ""
		var rest []string
		for _, w := range words {
			if f, ok := strings.CutPrefix(w, "--from="); ok {
				from = f
			} else if !strings.HasPrefix(w, "--") {
				rest = append(rest, w)
			}
		}
		if from != "" && len(rest) == 2 {
			m[rest[1]] = stageCopy{from, rest[0]}
		}
	}
	return m
}

// envOf parses a stage's ENV instructions (key=value forms).
func envOf(s stage) map[string]string {
	env := map[string]string{}
	for _, in := range s.instrs {
		if in.cmd != "ENV" {
			continue
		}
		for _, w := range shellWords(in.args) {
			if k, v, ok := strings.Cut(w, "="); ok {
				env[k] = v
			}
		}
	}
	return env
}

func lastInstr(s stage, cmd string) (instruction, bool) {
	for i := len(s.instrs) - 1; i >= 0; i-- {
		if s.instrs[i].cmd == cmd {
			return s.instrs[i], true
		}
	}
	return instruction{}, false
}

// validateDockerfile checks the Dockerfile: a Go build stage at go.mod's Go
// version building ./cmd/compact and ./deploy/probe statically; a final
// stage that runs as non-root what the build stage built, with ENV that the
// default command reads; and an ignore file that leaves in what the build
// needs.
func validateDockerfile(fs files, flags commandFlags, mod goMod, buildFiles []string) error {
	stages, err := parseDockerfile(string(fs["Dockerfile"]))
	if err != nil {
		return fmt.Errorf("Dockerfile: %w", err)
	}
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf("Dockerfile: "+format, args...)) }
	if len(stages) < 2 {
		return fmt.Errorf("Dockerfile: %d stage(s); want a build stage and a small final one", len(stages))
	}
	named := map[string]stage{}
	for _, s := range stages[:len(stages)-1] {
		if s.name != "" {
			named[s.name] = s
		}
	}
	build := stages[0]
	if repo, tag, _ := strings.Cut(build.image, ":"); repo != "golang" {
		add("the build stage is FROM %s, want golang", build.image)
	} else {
		v := "go" + strings.SplitN(tag, "-", 2)[0]
		if !version.IsValid(v) || version.Compare(v, "go"+mod.goVersion) < 0 || version.Lang(v) != version.Lang("go"+mod.goVersion) {
			add("FROM %s: want Go %s, as go.mod's go directive, or a later %s patch", build.image, mod.goVersion, version.Lang("go"+mod.goVersion))
		}
	}

	final := stages[len(stages)-1]
	if strings.HasPrefix(final.image, "golang") {
		add("the final stage is FROM %s: ship the binary, not the toolchain", final.image)
	}
	if u, ok := lastInstr(final, "USER"); !ok {
		add("the final stage sets no USER")
	} else if user, _, _ := strings.Cut(u.args, ":"); user == "root" || user == "0" {
		add("line %d: USER %s: run as non-root", u.line, u.args)
	}
	copies := copiesFrom(final)
	for dst, cp := range copies {
		if _, ok := named[cp.from]; !ok {
			add("COPY --from=%s %s %s: no earlier stage %s", cp.from, cp.src, dst, cp.from)
		}
	}
	// builtBy finds the go build of an earlier stage that wrote the file the
	// final stage has at dst.
	builtBy := func(dst string) (goBuild, bool) {
		cp, ok := copies[dst]
		if !ok {
			return goBuild{}, false
		}
		for _, b := range goBuilds(named[cp.from]) {
			if path.Clean(b.flags["-o"]) == path.Clean(cp.src) {
				return b, true
			}
		}
		return goBuild{}, false
	}
	checkStatic := func(what string, b goBuild) {
		if b.env["CGO_ENABLED"] != "0" {
			add("%s is built without CGO_ENABLED=0: a distroless static image has no libc", what)
		}
		if _, ok := b.flags["-trimpath"]; !ok {
			add("%s is built without -trimpath", what)
		}
		if !slices.Contains(b.ldflags, "-s") || !slices.Contains(b.ldflags, "-w") {
			add("%s: -ldflags %q lacks -s -w", what, b.flags["-ldflags"])
		}
	}

	entry, ok := lastInstr(final, "ENTRYPOINT")
	if !ok {
		add("no ENTRYPOINT")
	} else if argv, err := execForm(entry); err != nil {
		add("%v", err)
	} else if b, ok := builtBy(argv[0]); !ok {
		add("ENTRYPOINT %s: the final stage has no such file from a go build of an earlier stage", argv[0])
	} else {
		if !slices.Equal(b.pkgs, []string{"./cmd/compact"}) {
			add("ENTRYPOINT %s is built from %v, want ./cmd/compact", argv[0], b.pkgs)
		}
		checkStatic(argv[0], b)
		if i := slices.Index(b.ldflags, "-X"); i < 0 || i+1 == len(b.ldflags) || !strings.HasPrefix(b.ldflags[i+1], "main.version=") {
			add("%s: -ldflags %q does not set main.version", argv[0], b.flags["-ldflags"])
		} else if !hasVersionVar() {
			add("-X main.version=…, but cmd/compact declares no var version")
		}
	}

	env := envOf(final)
	cmdIn, ok := lastInstr(final, "CMD")
	if !ok {
		add("no CMD: the image would print its usage and exit")
	} else if argv, err := execForm(cmdIn); err != nil {
		add("%v", err)
	} else {
		var names []string
		for k := range env {
			names = append(names, k)
		}
		slices.Sort(names)
		if err := checkCompactEnv(flags, argv[0], names); err != nil {
			add("ENV for CMD %v: %v", argv, err)
		}
	}

	addr, ok := env["COMPACT_HTTP_ADDR"]
	if !ok {
		add("no ENV COMPACT_HTTP_ADDR: the subcommands default to 127.0.0.1, unreachable from outside the container")
	} else if host, port, err := net.SplitHostPort(addr); err != nil || (host != "" && host != "0.0.0.0" && host != "::") {
		add("ENV COMPACT_HTTP_ADDR=%s: listen on every interface", addr)
	} else if exp, ok := lastInstr(final, "EXPOSE"); !ok || !slices.Contains(strings.Fields(exp.args), port) {
		add("EXPOSE %s, but COMPACT_HTTP_ADDR listens on %s", exp.args, port)
	}
	if vol, ok := lastInstr(final, "VOLUME"); !ok {
		add("no VOLUME for serve's data")
	} else if dir := env["COMPACT_DATA_DIR"]; !slices.Contains(strings.Fields(vol.args), dir) {
		add("VOLUME %s, but COMPACT_DATA_DIR is %q", vol.args, dir)
	}

	if hc, ok := lastInstr(final, "HEALTHCHECK"); ok {
		_, cmd, found := strings.Cut(hc.args, "CMD ")
		argv, err := execForm(instruction{line: hc.line, cmd: "HEALTHCHECK", args: cmd})
		switch {
		case !found || err != nil:
			add("line %d: HEALTHCHECK %s: want … CMD [\"/probe\", \"/readyz\"]", hc.line, hc.args)
		default:
			if b, ok := builtBy(argv[0]); !ok || !slices.Equal(b.pkgs, []string{"./deploy/probe"}) {
				add("HEALTHCHECK runs %s, which is not deploy/probe built by an earlier stage", argv[0])
			} else {
				checkStatic(argv[0], b)
			}
			if len(argv) > 1 && argv[1] != "/readyz" {
				add("HEALTHCHECK probes %s, want /readyz", argv[1])
			}
		}
	}

	if err := checkDockerignore(fs, buildFiles); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func hasVersionVar() bool {
	sources, _ := filepath.Glob("../cmd/compact/*.go")
	for _, s := range sources {
		data, _ := os.ReadFile(s)
		if regexp.MustCompile(`(?m)^var version\b|^\s+version\s+=`).Match(data) && !strings.HasSuffix(s, "_test.go") {
			return true
		}
	}
	return false
}

// checkDockerignore checks deploy/Dockerfile.dockerignore: it must leave
// out .git and leave in every file the image's go builds read.
func checkDockerignore(fs files, buildFiles []string) error {
	data, ok := fs["Dockerfile.dockerignore"]
	if !ok {
		return errors.New("no Dockerfile.dockerignore: the whole repository (.git, test binaries) would be sent as the build context")
	}
	var patterns []string
	for line := range strings.Lines(string(data)) {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			patterns = append(patterns, line)
		}
	}
	var errs []error
	if !ignored(patterns, ".git/HEAD") {
		errs = append(errs, errors.New("Dockerfile.dockerignore: leaves .git in the build context"))
	}
	for _, f := range buildFiles {
		if ignored(patterns, f) {
			errs = append(errs, fmt.Errorf("Dockerfile.dockerignore: leaves out %s, which the build needs", f))
		}
	}
	return errors.Join(errs...)
}

// ignored reports whether a .dockerignore's patterns leave out p (relative
// to the context): the last pattern that matches p or a parent of it wins,
// a leading ! keeps, ** spans any number of directories.
func ignored(patterns []string, p string) bool {
	out := false
	for _, pat := range patterns {
		keep := strings.HasPrefix(pat, "!")
		pat = path.Clean(strings.TrimPrefix(strings.TrimPrefix(pat, "!"), "/"))
		for q := p; q != "." && q != "/"; q = path.Dir(q) {
			if globMatch(strings.Split(pat, "/"), strings.Split(q, "/")) {
				out = !keep
				break
			}
		}
	}
	return out
}

func globMatch(pat, name []string) bool {
	if len(pat) == 0 {
		return len(name) == 0
	}
	if pat[0] == "**" {
		for i := 0; i <= len(name); i++ {
			if globMatch(pat[1:], name[i:]) {
				return true
			}
		}
		return false
	}
	if len(name) == 0 {
		return false
	}
	ok, err := path.Match(pat[0], name[0])
	return err == nil && ok && globMatch(pat[1:], name[1:])
}

// imageBuildFiles are the files, relative to the repository root, that the
// image's go builds read: go.mod, go.sum, and the sources and embedded files
// of every package of this module that ./cmd/compact or ./deploy/probe uses.
func imageBuildFiles(t *testing.T) []string {
	t.Helper()
	out, err := exec.Command(goTool(), "list", "-deps", "-f",
		`{{if .Module}}{{if .Module.Main}}{{$d := .Dir}}{{range .GoFiles}}{{$d}}/{{.}}{{"\n"}}{{end}}{{range .EmbedFiles}}{{$d}}/{{.}}{{"\n"}}{{end}}{{end}}{{end}}`,
		"../cmd/compact", "./probe").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	files := []string{"go.mod", "go.sum"}
	for line := range strings.Lines(string(out)) {
		rel, err := filepath.Rel(root, strings.TrimSpace(line))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, filepath.ToSlash(rel))
	}
	if len(files) < 20 {
		t.Fatalf("go list found only %v", files)
	}
	return files
}

func TestDockerfile(t *testing.T) {
	if err := validateDockerfile(deployFiles(t), compactFlags(t), readGoMod(t), imageBuildFiles(t)); err != nil {
		t.Fatal(err)
	}
}

func TestDockerfileRejects(t *testing.T) {
	fs, flags, mod, buildFiles := deployFiles(t), compactFlags(t), readGoMod(t), imageBuildFiles(t)
	const df = "Dockerfile"
	for _, tc := range []struct {
		name, file, old, new, want string
	}{
		{"root", df, "USER 65532:65532", "USER root", "USER root: run as non-root"},
		{"no user", df, "USER 65532:65532\n", "", "sets no USER"},
		{"an entrypoint nothing builds", df, `ENTRYPOINT ["/compact"]`, `ENTRYPOINT ["/compactd"]`, "ENTRYPOINT /compactd"},
		{"a build to another path", df, "-o /out/compact ./cmd/compact", "-o /out/compact-server ./cmd/compact", "ENTRYPOINT /compact"},
		{"the wrong package", df, "-o /out/compact ./cmd/compact", "-o /out/compact ./cmd/compactd", "built from [./cmd/compactd]"},
		{"cgo", df, `CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X`, `go build -trimpath -ldflags "-s -w -X`, "without CGO_ENABLED=0"},
		{"no trimpath", df, `CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X`, `CGO_ENABLED=0 go build -ldflags "-s -w -X`, "without -trimpath"},
		{"no version", df, ` -X main.version=${VERSION}"`, `"`, "does not set main.version"},
		{"an older Go", df, "FROM golang:1.26.8-bookworm", "FROM golang:1.25.3-bookworm", "want Go 1.26.8"},
		{"a misspelt instruction", df, "EXPOSE 8080", "EXPOSES 8080", "unknown instruction EXPOSES"},
		{"a stage that does not exist", df, "COPY --from=build /out/probe", "COPY --from=builder /out/probe", "no earlier stage builder"},
		{"the wrong port", df, "EXPOSE 8080", "EXPOSE 80", "EXPOSE 80, but COMPACT_HTTP_ADDR listens on 8080"},
		{"an ENV that is no flag", df, "    COMPACT_DATA_DIR=/data", "    COMPACT_DATADIR=/data", "COMPACT_DATADIR is not a flag of `compact serve`"},
		{"a shell-form CMD", df, `CMD ["serve"]`, `CMD serve`, "want the exec form"},
		{"a probe of the wrong path", df, `CMD ["/probe", "/readyz"]`, `CMD ["/probe", "/ready"]`, "probes /ready"},
		{"a context without .git left out", "Dockerfile.dockerignore", ".git\n", "", "leaves .git in"},
		{"a context without the store", "Dockerfile.dockerignore", "docs\n", "docs\nstore\n", "leaves out store/"},
		{"a context without the templates", "Dockerfile.dockerignore", "**/testdata\n", "**/testdata\n**/*.json\n", "leaves out process/templates/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, validateDockerfile(mutate(t, fs, tc.file, tc.old, tc.new), flags, mod, buildFiles), tc.want)
		})
	}
}

func TestIgnored(t *testing.T) {
	patterns := []string{".git", "**/*.test", "docs", "!docs/keep.md", "deploy/k8s"}
	for p, want := range map[string]bool{
		".git/objects/ab": true, "bench.test": true, "a/b/c.test": true, "docs/x.md": true,
		"docs/keep.md": false, "deploy/k8s/base/x.yaml": true, "deploy/probe/main.go": false, "go.mod": false,
	} {
		if got := ignored(patterns, p); got != want {
			t.Errorf("ignored(%q) = %v, want %v", p, got, want)
		}
	}
}
