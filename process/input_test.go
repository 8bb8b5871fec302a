package process_test

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/compact-un/compact/process"
)

func TestCleanName(t *testing.T) {
	for in, want := range map[string]string{
		"  Amnesty International ": "Amnesty International",
		"Cafe\u0301 Migrants":      "Café Migrants", // decomposed, as some keyboards type it
		"مؤسسة الهجرة":             "مؤسسة الهجرة",
		"MEX":                      "MEX",
	} {
		if got, err := process.CleanName(in); err != nil || got != want {
			t.Errorf("CleanName(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{
		"", "   ", strings.Repeat("a", process.MaxNameLength+1), "bad\xffUTF-8",
		"Tab\there", "New\nline", "NUL\x00",
		"evil\u202Egnp.exe", "\u202Aembedded", "\u2066isolated\u2069", "\u2067rtl", "\u2068first",
		"Zero\u200Bwidth", "Non\u200Cjoiner", "Joiner\u200D", "\uFEFFBOM", "Word\u2060joiner",
		"Line\u2028separator",
	} {
		if got, err := process.CleanName(in); err == nil || process.KindOf(err) != process.Invalid {
			t.Errorf("CleanName(%q) = %q, %v; want an invalid-input error", in, got, err)
		}
	}
}

func TestCheckDate(t *testing.T) {
	for _, c := range []struct {
		date string
		ok   bool
	}{{"1944-12-31", false}, {"1945-01-01", true}, {"2018-12-19", true}, {"2100-12-31", true}, {"2101-01-01", false}, {"0001-01-01", false}} {
		d, _ := time.Parse(time.DateOnly, c.date)
		if err := process.CheckDate(d); (err == nil) != c.ok {
			t.Errorf("CheckDate(%s) = %v, want ok %v", c.date, err, c.ok)
		}
	}
}

func TestCleanInputNamesTheField(t *testing.T) {
	type stage struct {
		Start process.Date `json:"start"`
	}
	var req struct {
		Party  string  `json:"party"`
		Title  string  `json:"title"` // free text: left as sent
		Stages []stage `json:"stages"`
	}
	req.Party, req.Title = " Cafe\u0301 ", " Cafe\u0301 "
	req.Stages = []stage{{process.Date{Time: time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)}}}
	if err := process.CleanInput(&req); err != nil || req.Party != "Café" || req.Title != " Cafe\u0301 " {
		t.Fatalf("CleanInput: %v, party %q, title %q", err, req.Party, req.Title)
	}
	req.Stages = append(req.Stages, stage{process.Date{Time: time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)}})
	if err := process.CleanInput(&req); err == nil || !strings.HasPrefix(process.Message(err), "stages[1].start: ") {
		t.Fatalf("a date of 1900: %v", err)
	}
	req.Stages, req.Party = nil, "a\u202Eb"
	if err := process.CleanInput(&req); err == nil || !strings.HasPrefix(process.Message(err), "party: ") {
		t.Fatalf("a bidirectional override: %v", err)
	}
}

// FuzzCleanName checks what CleanName promises of every name it accepts:
// valid, composed, trimmed, bounded, free of invisible characters, and
// clean already (cleaning it again changes nothing).
func FuzzCleanName(f *testing.F) {
	for _, s := range []string{"Amnesty International", " Cafe\u0301 ", "a\u202Eb", "\u0301", " \u0301", "x\xff",
		"\u1100\u1161\u11a8", "ﬁ", "Å", "\u0041\u030a\u0323", strings.Repeat("é", process.MaxNameLength)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		clean, err := process.CleanName(s)
		if err != nil {
			if process.KindOf(err) != process.Invalid {
				t.Fatalf("CleanName(%q): %v is not an invalid-input error", s, err)
			}
			return
		}
		if !utf8.ValidString(clean) || !norm.NFC.IsNormalString(clean) || strings.TrimSpace(clean) != clean ||
			clean == "" || utf8.RuneCountInString(clean) > process.MaxNameLength {
			t.Fatalf("CleanName(%q) = %q", s, clean)
		}
		for _, r := range clean {
			if unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp) {
				t.Fatalf("CleanName(%q) = %q keeps %U", s, clean, r)
			}
		}
		if again, err := process.CleanName(clean); err != nil || again != clean {
			t.Fatalf("CleanName(%q) = %q, but again %q, %v", s, clean, again, err)
		}
	})
}

func TestPathPointer(t *testing.T) {
	for path, want := range map[string]string{
		"":               "",
		"name":           "/name",
		"paragraphs[1]":  "/paragraphs/1",
		"stage.title":    "/stage/title",
		"votes[0].state": "/votes/0/state",
		"a/b~c":          "/a~1b~0c",
	} {
		if got := process.PathPointer(path); got != want {
			t.Errorf("PathPointer(%q) = %q, want %q", path, got, want)
		}
	}
}
