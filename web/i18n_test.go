package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/process"
)

// sources are the package's templates and Go files (tests aside): where
// message IDs are used.
func sources(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, glob := range []string{"*.go", "templates/*.html"} {
		names, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			if strings.HasSuffix(n, "_test.go") || n == "doc.go" { // doc.go's examples are examples
				continue
			}
			b, err := os.ReadFile(n)
			if err != nil {
				t.Fatal(err)
			}
			out[n] = string(b)
		}
	}
	return out
}

var (
	// Where a message ID is looked up: {{.T "id"}}, p.T("id"), field labels
	// and hints, the error pages' IDs.
	lookups = []*regexp.Regexp{
		regexp.MustCompile(`\bTH?\s+"([a-z0-9_.-]+)"`),
		regexp.MustCompile(`\bT\("([a-z0-9_.-]+)"`),
		regexp.MustCompile(`\(field [$.]\w* "[^"]+" "([a-z0-9_.-]+)"`),
		regexp.MustCompile(`WithHint "([a-z0-9_.-]+)"`),
		regexp.MustCompile(`"(error\.[a-z]+\.(?:title|text))"`),
	}
	// Table headings: (.Columns "id" "id"…), each looked up.
	columns = regexp.MustCompile(`\bColumns((?:\s+"[a-z0-9_.-]+")+)`)
	quoted  = regexp.MustCompile(`"([a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?)"`)
)

// dynamic are the IDs built from a prefix and a value, by prefix, with every
// value they take: each must have its message.
var dynamic = map[string][]string{
	"role.":           rolesOf(api.Roles),
	"process.status.": {"starting", "running", "completed", "cancelled"},
	"stage.kind.": {string(process.Milestone), string(process.AccreditationWindow), string(process.ThematicSession),
		string(process.RegionalConsultation), string(process.Hearing), string(process.Stocktaking), string(process.FormalConsultation), string(process.Draft),
		string(process.NegotiationRound), string(process.Conference), string(process.Endorsement), string(process.Silence)},
	"stage.status.": {string(process.Scheduled), string(process.Running), string(process.Completed),
		string(process.Cancelled), string(process.Failed)},
	"window.state.": {string(process.WindowScheduled), string(process.WindowPending), string(process.WindowOpen),
		string(process.WindowSealed), string(process.WindowCancelled)},
}

func rolesOf(rs []api.Role) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return out
}

func TestCatalogs(t *testing.T) {
	en := locales["en"].messages
	var ids []string
	for id := range en {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	placeholders := regexp.MustCompile(`\{[a-zA-Z]+\}`)
	for _, lang := range Languages {
		m := locales[lang].messages
		for _, id := range ids {
			msg, ok := m[id]
			if !ok {
				t.Errorf("%s.json lacks %s", lang, id)
				continue
			}
			if strings.TrimSpace(msg) == "" {
				t.Errorf("%s.json: %s is empty", lang, id)
			}
			want, got := placeholders.FindAllString(en[id], -1), placeholders.FindAllString(msg, -1)
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(want, got) {
				t.Errorf("%s.json: %s has placeholders %v, English %v", lang, id, got, want)
			}
		}
		for id := range m {
			if _, ok := en[id]; !ok {
				t.Errorf("%s.json has %s, which en.json lacks", lang, id)
			}
		}
	}

	src := sources(t)
	used := map[string]bool{}
	for name, text := range src {
		for _, re := range lookups {
			for _, m := range re.FindAllStringSubmatch(text, -1) {
				used[m[1]] = true
				if _, ok := en[m[1]]; !ok && !strings.HasSuffix(m[1], ".") {
					t.Errorf("%s uses %s, which no catalog has", name, m[1])
				}
			}
		}
		for _, m := range columns.FindAllStringSubmatch(text, -1) {
			for _, id := range quoted.FindAllStringSubmatch(m[1], -1) {
				if _, ok := en[id[1]]; !ok {
					t.Errorf("%s uses %s, which no catalog has", name, id[1])
				}
			}
		}
		for _, m := range quoted.FindAllStringSubmatch(text, -1) {
			used[m[1]] = true
		}
	}
	for prefix, values := range dynamic {
		for _, v := range values {
			used[prefix+v] = true
			if _, ok := en[prefix+v]; !ok {
				t.Errorf("no message %s%s", prefix, v)
			}
		}
	}
	for _, id := range ids {
		if !used[id] {
			t.Errorf("%s is in the catalogs but no page uses it", id)
		}
	}
}

// TestTemplatesParse: every page parses over the layout and defines main.
func TestTemplatesParse(t *testing.T) {
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		base := strings.TrimSuffix(filepath.Base(n), ".html")
		if strings.HasPrefix(base, "_") {
			continue
		}
		if pages[base] == nil || pages[base].Lookup("main") == nil {
			t.Errorf("page %s defines no main", base)
		}
	}
}
