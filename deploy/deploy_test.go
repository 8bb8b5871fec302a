package deploy

// The validator's shared parts: the files under deploy/, their YAML
// documents, strict decoding, go.mod, and the compact binary's flags.
// k8s_test.go, compose_test.go, dockerfile_test.go and helm_test.go check
// one kind of file each; every check runs on the real files and, in a table,
// on copies with one deliberate mistake, which it must reject.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"
	sigsjson "sigs.k8s.io/json"
	sigsyaml "sigs.k8s.io/yaml"
)

// files are the files under deploy/ but Go sources, by slash-separated path
// relative to deploy/.
type files map[string][]byte

func deployFiles(t *testing.T) files {
	t.Helper()
	fs := files{}
	err := filepath.WalkDir(".", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".go") {
			return err
		}
		fs[filepath.ToSlash(p)], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// mutate returns a copy of fs where the one occurrence of old in path is
// new; it fails the test if old is not there exactly once, so that a
// mutation cannot go stale unnoticed when the file changes.
func mutate(t *testing.T, fs files, path, old, new string) files {
	t.Helper()
	if n := bytes.Count(fs[path], []byte(old)); n != 1 {
		t.Fatalf("mutation: %q occurs %d times in %s, want once", old, n, path)
	}
	c := maps.Clone(fs)
	c[path] = bytes.Replace(fs[path], []byte(old), []byte(new), 1)
	return c
}

// wantError asserts that err is not nil and mentions want.
func wantError(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted; want an error mentioning %q", want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("error does not mention %q:\n%v", want, err)
	}
	t.Logf("rejected:\n%v", err)
}

// yamlDocuments splits data into its YAML documents, each parsed by a real
// YAML parser (which rejects, among others, a key given twice) and
// re-encoded on its own. Empty documents are dropped.
func yamlDocuments(data []byte) ([][]byte, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs [][]byte
	for i := 1; ; i++ {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		if len(n.Content) == 0 || n.Content[0].Kind == yaml.ScalarNode && n.Content[0].Tag == "!!null" {
			continue
		}
		// Decoding the node, not only parsing it, finds keys given twice.
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		doc, err := yaml.Marshal(&n)
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		docs = append(docs, doc)
	}
}

// decodeStrict decodes YAML into v as the Kubernetes API server decodes
// JSON: field names case-sensitive, an unknown or repeated field an error.
func decodeStrict(data []byte, v any) error {
	j, err := sigsyaml.YAMLToJSONStrict(data)
	if err != nil {
		return err
	}
	return decodeJSONStrict(j, v)
}

func decodeJSONStrict(j []byte, v any) error {
	strict, err := sigsjson.UnmarshalStrict(j, v, sigsjson.DisallowDuplicateFields, sigsjson.DisallowUnknownFields)
	if err != nil {
		return err
	}
	return errors.Join(strict...)
}

// toJSON converts YAML to generic JSON values.
func toJSON(data []byte) (any, error) {
	j, err := sigsyaml.YAMLToJSONStrict(data)
	if err != nil {
		return nil, err
	}
	var v any
	return v, json.Unmarshal(j, &v)
}

// TestYAMLParses parses every YAML document under deploy/.
func TestYAMLParses(t *testing.T) {
	fs := deployFiles(t)
	n := 0
	for _, p := range slices.Sorted(maps.Keys(fs)) {
		if !isYAML(p) {
			continue
		}
		docs, err := yamlDocuments(fs[p])
		if err != nil {
			t.Errorf("%s: %v", p, err)
		}
		if len(docs) == 0 && err == nil {
			t.Errorf("%s: no YAML document", p)
		}
		n += len(docs)
	}
	if n < 10 {
		t.Errorf("parsed %d YAML documents; deploy/ has more than that", n)
	}
}

func TestYAMLParserRejects(t *testing.T) {
	for name, doc := range map[string]string{
		"a tab for indentation": "a:\n\tb: 1\n",
		"a key given twice":     "a: 1\nb: 2\na: 3\n",
		"an unclosed bracket":   "a: [1, 2\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := yamlDocuments([]byte(doc)); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func isYAML(p string) bool {
	return strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")
}

// goMod holds what the deployment files must agree with in go.mod.
type goMod struct {
	goVersion      string // the go directive, e.g. 1.26.8
	temporalServer string // go.temporal.io/server's version without the v
}

func readGoMod(t *testing.T) goMod {
	t.Helper()
	data, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	var m goMod
	if g := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(data); g != nil {
		m.goVersion = string(g[1])
	}
	if s := regexp.MustCompile(`(?m)^\s*go\.temporal\.io/server v(\S+)`).FindSubmatch(data); s != nil {
		m.temporalServer = string(s[1])
	}
	if m.goVersion == "" || m.temporalServer == "" {
		t.Fatalf("go.mod: no go directive or no go.temporal.io/server: %+v", m)
	}
	return m
}

// commandFlags are the environment twins of each compact subcommand's flags,
// by subcommand ("api", "token create"), as `compact <subcommand> -h` lists
// them.
type commandFlags map[string]map[string]bool

// subcommands are the ones deploy/ runs.
var subcommands = []string{"serve", "api", "worker", "temporal", "token create"}

var (
	flagsOnce sync.Once
	flagsVal  commandFlags
	flagsErr  error
)

// compactFlags builds cmd/compact once and asks each subcommand for its
// flags: the binary itself, not a copy of its flag list, is the reference.
func compactFlags(t *testing.T) commandFlags {
	t.Helper()
	flagsOnce.Do(func() { flagsVal, flagsErr = loadFlags() })
	if flagsErr != nil {
		t.Fatal(flagsErr)
	}
	return flagsVal
}

// usageFlag is one flag in a command's usage: "  --http-addr [COMPACT_HTTP_ADDR]".
var usageFlag = regexp.MustCompile(`(?m)^\s+--([a-z0-9-]+) \[(COMPACT_[A-Z0-9_]+)\]`)

func loadFlags() (commandFlags, error) {
	dir, err := os.MkdirTemp("", "compact-deploy-test-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "compact")
	build := exec.Command(goTool(), "build", "-o", bin, "github.com/compact-un/compact/cmd/compact")
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build ./cmd/compact: %v\n%s", err, out)
	}
	flags := commandFlags{}
	for _, cmd := range subcommands {
		out, err := exec.Command(bin, append(strings.Fields(cmd), "-h")...).CombinedOutput()
		if err != nil {
			return nil, fmt.Errorf("compact %s -h: %v\n%s", cmd, err, out)
		}
		flags[cmd] = map[string]bool{}
		for _, m := range usageFlag.FindAllStringSubmatch(string(out), -1) {
			flags[cmd][m[2]] = true
		}
		if len(flags[cmd]) == 0 {
			return nil, fmt.Errorf("compact %s -h lists no flag with an environment twin:\n%s", cmd, out)
		}
	}
	return flags, nil
}

// goTool is the go command that runs this test.
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

// checkCompactEnv checks that each COMPACT_ variable in env is a flag's twin
// of the subcommand cmd.
func checkCompactEnv(flags commandFlags, cmd string, env []string) error {
	known, ok := flags[cmd]
	if !ok {
		return fmt.Errorf("%q is not a compact subcommand this validator knows (%v)", cmd, subcommands)
	}
	var errs []error
	for _, name := range env {
		if !strings.HasPrefix(name, "COMPACT_") {
			errs = append(errs, fmt.Errorf("environment variable %s: compact reads only COMPACT_ variables", name))
		} else if !known[name] {
			errs = append(errs, fmt.Errorf("environment variable %s is not a flag of `compact %s` (it has %v)",
				name, cmd, slices.Sorted(maps.Keys(known))))
		}
	}
	return errors.Join(errs...)
}

func TestCompactFlags(t *testing.T) {
	flags := compactFlags(t)
	for cmd, want := range map[string][]string{
		"api":          {"COMPACT_TEMPORAL_ADDRESS", "COMPACT_NAMESPACE", "COMPACT_DB", "COMPACT_HTTP_ADDR", "COMPACT_LOG_LEVEL", "COMPACT_SESSION_KEY"},
		"worker":       {"COMPACT_TEMPORAL_ADDRESS", "COMPACT_NAMESPACE", "COMPACT_DB", "COMPACT_HTTP_ADDR", "COMPACT_LOG_LEVEL"},
		"serve":        {"COMPACT_HTTP_ADDR", "COMPACT_DATA_DIR", "COMPACT_SESSION_KEY"},
		"token create": {"COMPACT_DB"},
	} {
		if err := checkCompactEnv(flags, cmd, want); err != nil {
			t.Error(err)
		}
	}
	wantError(t, checkCompactEnv(flags, "worker", []string{"COMPACT_TEMPORAL_ADRESS"}), "COMPACT_TEMPORAL_ADRESS is not a flag")
	wantError(t, checkCompactEnv(flags, "serve", []string{"COMPACT_DB"}), "not a flag of `compact serve`")
	wantError(t, checkCompactEnv(flags, "api", []string{"DATABASE_URL"}), "only COMPACT_")
	wantError(t, checkCompactEnv(flags, "apis", nil), "not a compact subcommand")
}

// exists reports whether deploy/ has the file p (relative to deploy/),
// or a file under the directory p.
func (fs files) exists(p string) bool {
	p = strings.TrimSuffix(filepath.ToSlash(filepath.Clean(p)), "/")
	if _, ok := fs[p]; ok {
		return true
	}
	for q := range fs {
		if strings.HasPrefix(q, p+"/") {
			return true
		}
	}
	return false
}
