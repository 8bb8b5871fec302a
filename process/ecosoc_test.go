package process_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/compact-un/compact/process"
)

func TestNormaliseOrgName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"The International Migrants Forum, Inc.", "international migrants forum"},
		{"international  migrants\tforum", "international migrants forum"},
		{"Women's Federation for World Peace International", "womens federation for world peace international"},
		{"Deutsche Stiftung Weltbevölkerung e.V.", "deutsche stiftung weltbevölkerung"},
		{"Deutsche Stiftung Weltbevo\u0308lkerung (DSW)", "deutsche stiftung weltbevölkerung dsw"},
		{"STRASSE", "strasse"},
		{"Straße", "strasse"},
		{"Save the Children Fund Ltd", "save children fund"},
		{"Limited", "limited"},
		{"   ", ""},
	} {
		if got := process.NormaliseOrgName(tc.in); got != tc.want {
			t.Errorf("NormaliseOrgName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzNormaliseOrgName(f *testing.F) {
	for _, s := range []string{"The Migrants Forum, Inc.", "e.V.", "Straße", "ΣΊΣΥΦΟΣ", "a\u0301", "\xff", "the the", "co co", "İstanbul"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		key := process.NormaliseOrgName(s)
		switch {
		case !utf8.ValidString(key):
			t.Fatalf("%q: invalid UTF-8 %q", s, key)
		case !norm.NFC.IsNormalString(key):
			t.Fatalf("%q: %q is not NFC", s, key)
		case strings.Join(strings.Fields(key), " ") != key:
			t.Fatalf("%q: %q has stray whitespace", s, key)
		case process.NormaliseOrgName(key) != key:
			t.Fatalf("%q: %q normalises again to %q", s, key, process.NormaliseOrgName(key))
		}
	})
}

func TestECOSOCMatch(t *testing.T) {
	entries, err := process.ParseECOSOCList([]byte("Organization's name,Consultative status,ECOSOC accreditation year\n" +
		"International Migrants Forum,Special,2010\nAbc,General,1990\n"))
	if err != nil {
		t.Fatal(err)
	}
	l := process.ECOSOCList{Entries: entries}
	for _, tc := range []struct {
		name string
		want process.MatchResult
	}{
		{"the international migrants forum inc", process.MatchExact},
		{"International Migrant Forums", process.MatchNear},
		{"Abd", process.MatchNone}, // short names match only exactly
		{"Forum of Migrants", process.MatchNone},
	} {
		if m := l.Match(tc.name); m.Result != tc.want {
			t.Errorf("Match(%q) = %+v, want %s", tc.name, m, tc.want)
		}
	}
}

func TestParseECOSOCList(t *testing.T) {
	good := "\uFEFFOrganization's name,Consultative status,ECOSOC accreditation year (YYYY),Country\r\n" +
		"\"Forum, International\",Special,2010,CH\r\n\r\nRoster Org,roster,1975,\r\n"
	es, err := process.ParseECOSOCList([]byte(good))
	if err != nil || len(es) != 2 || es[0].Name != "Forum, International" || es[1].Status != process.ECOSOCRoster || es[1].Year != 1975 {
		t.Fatalf("good list: %+v %v", es, err)
	}
	bad := "name,status,year\nA Forum,Special,2010\nB Forum,Observer,2010\nC Forum,General,twenty\n\"D Forum,General,2010\nThe A Forum Inc.,General,2001\nE Forum,General\n"
	_, err = process.ParseECOSOCList([]byte(bad))
	if process.KindOf(err) != process.Invalid {
		t.Fatalf("bad list: %v", err)
	}
	var got []string
	for _, f := range process.Fields(err) {
		got = append(got, f.Pointer)
	}
	if strings.Join(got, " ") != "/lines/3 /lines/4 /lines/5 /lines/6 /lines/7" {
		t.Fatalf("bad lines %q: %v", got, err)
	}
	for _, in := range []string{"", "name,status,year\n", "organisation,kind\nA,Special\n"} {
		if _, err := process.ParseECOSOCList([]byte(in)); process.KindOf(err) != process.Invalid || len(process.Fields(err)) != 1 {
			t.Errorf("%q: %v", in, err)
		}
	}
}

// BenchmarkECOSOCMatch checks a claim against a list as long as the NGO
// Branch's (6,494 organisations), for a near match: the whole list is read.
func BenchmarkECOSOCMatch(b *testing.B) {
	var csv strings.Builder
	csv.WriteString("Organization's name,Consultative status,ECOSOC accreditation year\n")
	for i := range 6494 {
		fmt.Fprintf(&csv, "Organisation for Migrants and Development number %d,Special,2010\n", i)
	}
	entries, err := process.ParseECOSOCList([]byte(csv.String()))
	if err != nil {
		b.Fatal(err)
	}
	l := process.ECOSOCList{Entries: entries}
	for b.Loop() {
		if m := l.Match("Organisation for Migrant and Development number 17"); m.Result != process.MatchNear {
			b.Fatalf("%+v", m)
		}
	}
}

func FuzzParseECOSOCList(f *testing.F) {
	for _, s := range []string{
		"Organization's name,Consultative status,ECOSOC accreditation year\nA Forum,Special,2010\n",
		"\uFEFFname,status,year\r\n\"B, Forum\",general consultative status,1946\r\n",
		"name,status,year\nA,Observer,x\n\"C,Roster,2001\nThe A Inc.,Roster,2001\n",
		"status,year\n", "", "\n\n", "name,status,year\n\xff,Special,2000\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := process.ParseECOSOCList(data)
		if err != nil {
			if process.KindOf(err) != process.Invalid {
				t.Fatalf("%q: %v is not Invalid", data, err)
			}
			lines := strings.Count(string(data), "\n") + 1
			for _, fe := range process.Fields(err) {
				var n int
				if _, err := fmt.Sscanf(fe.Pointer, "/lines/%d", &n); err != nil || n < 1 || n > lines {
					t.Fatalf("%q: pointer %q outside its %d lines", data, fe.Pointer, lines)
				}
			}
			return
		}
		if len(entries) == 0 {
			t.Fatalf("%q: a list without entries", data)
		}
		keys := map[string]bool{}
		for _, e := range entries {
			if e.Key == "" || e.Key != process.NormaliseOrgName(e.Name) || keys[e.Key] ||
				(e.Status != process.ECOSOCGeneral && e.Status != process.ECOSOCSpecial && e.Status != process.ECOSOCRoster) {
				t.Fatalf("%q: entry %+v", data, e)
			}
			keys[e.Key] = true
		}
	})
}
