package text

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/compact-un/compact/process"
)

func readDraft(t testing.TB) *Revision {
	t.Helper()
	src, err := os.ReadFile("testdata/draft.md")
	if err != nil {
		t.Fatal(err)
	}
	rev, err := Parse(string(src))
	if err != nil {
		t.Fatal(err)
	}
	return rev
}

func TestParseReadsTheDraftAsTyped(t *testing.T) {
	rev := readDraft(t)
	want := []struct {
		part  Part
		level int
		num   string
		start string
	}{
		{Title, 0, "", "Global compact"},
		{Preamble, 0, "PP1", "We, the Heads of State and Government and High Representatives, meeting in Morocco"},
		{Preamble, 0, "PP2", "Reaffirming"},
		{Operative, 0, "1", "This Global Compact"},
		{Operative, 0, "2", "It also"},
		{Heading, 0, "Objective 1", "Collect and utilize"},
		{Operative, 0, "3", "We commit to strengthen the global evidence base on international migration. To realize"},
		{Operative, 1, "(a)", "Elaborate"},
		{Operative, 1, "(b)", "Improve"},
		{Heading, 0, "Objective 2", "Minimize"},
		{Operative, 0, "4", "We commit to create"},
	}
	if len(rev.Paragraphs) != len(want) {
		t.Fatalf("%d paragraphs, want %d:\n%s", len(rev.Paragraphs), len(want), rev.Markdown())
	}
	for i, w := range want {
		p := rev.Paragraphs[i]
		if p.Part != w.part || p.Level != w.level || p.Num != w.num || !strings.HasPrefix(p.Text, w.start) {
			t.Errorf("paragraph %d = %+v, want %s %d %q %q…", i, p, w.part, w.level, w.num, w.start)
		}
	}
	if got := rev.Label(8); got != "OP3 (b)" {
		t.Errorf("label of (b) = %q", got)
	}
}

func TestParsePlainTextNumbersAndHeadings(t *testing.T) {
	rev, err := Parse("Draft outcome document\n\nThe General Assembly,\n\nRecalling its resolution 71/1,\n\nOP1. Decides to convene a conference;\n\nObjective 1: Data\n\n2) Requests the Secretary-General;\n   (a) to report;\n")
	if err != nil {
		t.Fatal(err)
	}
	var nums []string
	for _, p := range rev.Paragraphs {
		nums = append(nums, string(p.Part)+":"+p.Num)
	}
	if got, want := strings.Join(nums, " "), "title: preamble:PP1 preamble:PP2 operative:1 heading:Objective 1 operative:2 operative:(a)"; got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

func TestParseRefusesWithLineAndReason(t *testing.T) {
	for _, c := range []struct {
		src  string
		kind process.Kind
		line int
		says string
	}{
		{"", process.Invalid, 0, "no paragraphs"},
		{"# Title only\n", process.Invalid, 0, "no paragraphs"},
		{"1. One\n\n3. Three\n", process.Invalid, 3, "paragraph 3 where 2 comes next"},
		{"1. One\n\nPP1. Late preamble,\n", process.Invalid, 3, "preambular paragraph PP1 after operative paragraph 1"},
		{"1. One\n\nAn unnumbered afterthought.\n", process.Invalid, 3, "unnumbered paragraph after operative paragraph 1"},
		{"1. One\n(b) skipped a\n", process.Invalid, 2, "subparagraph (b) where (a) comes next"},
		{"(a) orphan\n", process.Invalid, 1, "subparagraph (a) with no paragraph above it"},
		{"1. One\n- a bullet\n", process.Invalid, 2, "a bullet"},
		{"1. One\n\n2.\n\n3. Three\n", process.Invalid, 3, "paragraph 2 has no text"},
		{"1. One\n## H\n# Second title\n", process.Invalid, 3, "a title (# …) after the first paragraph"},
		{"1. One\x01\n", process.Invalid, 1, "character U+0001 cannot be in a draft"},
		{"1. One \xff\n", process.Invalid, 1, "not valid UTF-8"},
		{"1. " + strings.Repeat("word ", MaxParagraphBytes/5+1) + "\n", process.TooLarge, 1, "paragraph 1 has"},
		{strings.Repeat("x", MaxRevisionBytes+1), process.TooLarge, 0, "a draft has at most"},
	} {
		_, err := Parse(c.src)
		if err == nil {
			t.Errorf("%.40q: parsed", c.src)
			continue
		}
		if process.KindOf(err) != c.kind || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%.40q: %v (%s), want %s saying %q", c.src, err, process.KindOf(err), c.kind, c.says)
		}
		var le *LineError
		if errors.As(err, &le) != (c.line > 0) || c.line > 0 && le.Line != c.line {
			t.Errorf("%.40q: %v: want line %d", c.src, err, c.line)
		}
	}
}

func TestMarkdownReadsBack(t *testing.T) {
	rev := readDraft(t)
	back, err := Parse(rev.Markdown())
	if err != nil {
		t.Fatal(err)
	}
	if !sameParagraphs(rev.Paragraphs, back.Paragraphs) {
		t.Errorf("read back differs:\n%s\n---\n%s", rev.Markdown(), back.Markdown())
	}
}

func sameParagraphs(a, b []Paragraph) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func FuzzParse(f *testing.F) {
	src, err := os.ReadFile("testdata/draft.md")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(src))
	for _, s := range []string{"", "#", "# T\n1.", "1. a\n(a)\n", "PP1. x\n\nPP2.\n", "## Objective 1:\n", "1\\. escaped\n", "x\r\n\r\n1) y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		rev, err := Parse(src)
		if err != nil {
			var e *process.Error
			if !errors.As(err, &e) || (e.Kind != process.Invalid && e.Kind != process.TooLarge) {
				t.Fatalf("error %v is not an Invalid or TooLarge *process.Error", err)
			}
			return
		}
		back, err := Parse(rev.Markdown())
		if err != nil {
			t.Fatalf("Markdown of a parsed draft does not parse: %v\n%s", err, rev.Markdown())
		}
		if !sameParagraphs(rev.Paragraphs, back.Paragraphs) {
			t.Fatalf("read back differs:\n%+v\n%+v", rev.Paragraphs, back.Paragraphs)
		}
	})
}
