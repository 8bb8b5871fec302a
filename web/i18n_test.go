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
	"github.com/compact-un/compact/internal/lang"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
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
		regexp.MustCompile(`\bN\s+"([a-z0-9_.-]+)"`),
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
	"role.":           append(rolesOf(api.Roles), process.AppointmentRoles...), // and the roles the office appoints to
	"process.status.": {"starting", "running", "completed", "cancelled"},
	"stage.kind.": {string(process.Milestone), string(process.AccreditationWindow), string(process.ThematicSession),
		string(process.RegionalConsultation), string(process.Hearing), string(process.Stocktaking), string(process.FormalConsultation), string(process.Draft),
		string(process.NegotiationRound), string(process.Conference), string(process.Endorsement), string(process.Silence)},
	"stage.status.": {string(process.Scheduled), string(process.Running), string(process.Completed),
		string(process.Cancelled), string(process.Failed)},
	"window.state.": {string(process.WindowScheduled), string(process.WindowPending), string(process.WindowOpen),
		string(process.WindowSealed), string(process.WindowCancelled)},
	"modalities.state.":       {wire.ModalityKept, wire.ModalityOverridden, wire.ModalityDeclared},
	"modalities.wording.":     {"quoted", "paraphrased"},
	"stage.input.":            process.InputCategories,
	"stage.outcome.adopted.":  {"consensus", "acclamation", "recorded-vote"},
	"stage.outcome.rejected.": {"recorded-vote"}, // only a vote rejects
	"stage.votes.":            {"yes", "no", "abstain", "absent"},
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
	for _, lang := range lang.All {
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

// TestPluralCatalogs: a message that counts has, in each language that
// words it by the count, a form for every plural category the language's
// CLDR rules give a whole number, and no other but "other"; the pages look
// it up with N, and in each language a count agrees with its noun.
func TestPluralCatalogs(t *testing.T) {
	placeholders := regexp.MustCompile(`\{[a-zA-Z]+\}`)
	for _, code := range lang.All {
		needed := map[string]bool{}
		for n := range 10_001 {
			needed[lang.Plural(code, n)] = true
		}
		for id, forms := range locales[code].plurals {
			if locales["en"].plurals[id] == nil {
				t.Errorf("%s.json: %s has plural forms, en.json a string", code, id)
			}
			for category := range needed {
				if _, ok := forms[category]; !ok {
					t.Errorf("%s.json: %s lacks the %q form", code, id, category)
				}
			}
			want := placeholders.FindAllString(locales["en"].messages[id], -1)
			slices.Sort(want)
			for category, text := range forms {
				if !needed[category] && category != "other" {
					t.Errorf("%s.json: %s has a %q form the language never uses", code, id, category)
				}
				got := placeholders.FindAllString(text, -1)
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Errorf("%s.json: %s %s has placeholders %v, English %v", code, id, category, got, want)
				}
			}
		}
	}
	for _, tt := range []struct {
		code string
		n    int
		want string
	}{
		{"en", 1, "Attachment (1 byte)"}, {"en", 2, "Attachment (2 bytes)"},
		{"fr", 0, "Pièce jointe (0 octet)"}, {"fr", 2048, // grouped as CLDR groups French numbers
			"Pièce jointe (2\u00a0048 octets)"},
		{"es", 1, "Archivo adjunto (1 byte)"},
		{"ru", 21, "Вложение (21 байт)"}, {"ru", 3, "Вложение (3 байта)"}, {"ru", 11, "Вложение (11 байт)"},
		{"zh", 1, "附件（1 字节）"},
	} {
		if got := locales[tt.code].N("contribution.attachment", tt.n, "size", tt.n); got != tt.want {
			t.Errorf("%s %d: %q, want %q", tt.code, tt.n, got, tt.want)
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
