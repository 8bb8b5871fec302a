package text

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func mustParse(t testing.TB, src string) *Revision {
	t.Helper()
	rev, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	return rev
}

func TestIdentifyFollowsParagraphsAcrossRevisions(t *testing.T) {
	zero := readDraft(t)
	Identify(nil, zero)
	if zero.Paragraphs[3].ID != "r0-4" {
		t.Fatalf("first revision's IDs: %q", zero.Paragraphs[3].ID)
	}
	// Revision 1: OP1 edited, OP2 moved after OP3, a new OP before OP4, subparagraph (b) deleted.
	src := strings.NewReplacer(
		"1. This Global Compact rests on the purposes", "1. This Global Compact rests firmly on the purposes",
		"2. It also rests upon the Universal Declaration of Human Rights.\n", "",
		"(b) Improve international comparability and compatibility of migration statistics;\n", "",
		"4. We commit to create", "3. We reaffirm the Charter.\n\n4. It also rests upon the Universal Declaration of Human Rights.\n\n## Objective 3: New\n\n5. We commit to create",
		"3. We commit to strengthen", "2. We commit to strengthen",
	).Replace(mustRead(t))
	one := mustParse(t, src)
	one.Number = 1
	Identify(zero, one)
	byNum := map[string]string{}
	for _, p := range one.Paragraphs {
		byNum[p.Num] = p.ID
	}
	idOf := func(r *Revision, num string) string {
		for _, p := range r.Paragraphs {
			if p.Num == num {
				return p.ID
			}
		}
		return ""
	}
	for newNum, oldNum := range map[string]string{"1": "1", "2": "3", "4": "2", "5": "4", "(a)": "(a)"} {
		if byNum[newNum] != idOf(zero, oldNum) {
			t.Errorf("new %s has ID %q, want old %s's %q", newNum, byNum[newNum], oldNum, idOf(zero, oldNum))
		}
	}
	if byNum["3"] != "r1-9" {
		t.Errorf("the new paragraph's ID = %q, want r1-9 (revision 1, position 9)", byNum["3"])
	}

	changes := Diff(zero, one)
	var got []string
	for _, c := range changes {
		s := string(c.Op) + " " + c.OldNum + ">" + c.NewNum
		if c.Moved {
			s += " moved"
		}
		got = append(got, s)
	}
	want := []string{
		"kept >", "kept PP1>PP1", "kept PP2>PP2", "edited 1>1", "kept Objective 1>Objective 1",
		"kept 3>2", "kept (a)>(a)", "removed (b)>", "kept Objective 2>Objective 2", "added >3", "kept 2>4 moved", "added >Objective 3", "kept 4>5",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diff:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if w := changes[3].Words; fmt.Sprint(w) != "[{= This Global Compact rests} {+ firmly} {= on the purposes and principles of the Charter of the United Nations.}]" {
		t.Errorf("word diff of OP1: %v", w)
	}
}

func mustRead(t testing.TB) string {
	return readDraft(t).Markdown()
}

func TestWordDiffFallsBackToReplacingTheWhole(t *testing.T) {
	a := strings.Repeat("alpha ", 100)
	b := strings.Repeat("beta ", 100)
	got := WordDiff("Keep "+a+"end", "Keep "+b+"end")
	if len(got) != 4 || got[1].Op != "-" || got[2].Op != "+" || got[0].Text != "Keep" || got[3].Text != "end" {
		t.Errorf("over the cap: %.200v", got)
	}
	got = WordDiff("a b c d", "a x c d e")
	if fmt.Sprint(got) != "[{= a} {- b} {+ x} {= c d} {+ e}]" {
		t.Errorf("small: %v", got)
	}
}

func FuzzWordDiff(f *testing.F) {
	f.Add("a b c", "a c d")
	f.Add("", "x")
	f.Fuzz(func(t *testing.T, a, b string) {
		if !slices.Equal(fields(nil, a), strings.Fields(a)) {
			t.Fatalf("fields(%q) = %q, want strings.Fields's %q", a, fields(nil, a), strings.Fields(a))
		}
		var olds, news []string
		for _, s := range WordDiff(a, b) {
			if s.Op != "+" {
				olds = append(olds, s.Text)
			}
			if s.Op != "-" {
				news = append(news, s.Text)
			}
		}
		if got := strings.Join(olds, " "); got != strings.Join(strings.Fields(a), " ") {
			t.Fatalf("old side %q, want %q", got, a)
		}
		if got := strings.Join(news, " "); got != strings.Join(strings.Fields(b), " ") {
			t.Fatalf("new side %q, want %q", got, b)
		}
	})
}

func TestIdentifyFindsEditsInALargeRevision(t *testing.T) {
	old := bigRevision(1, 500, 200<<10)
	Identify(nil, old)
	next := edited(old)
	Identify(old, next)
	count := map[string]int{}
	for _, c := range Diff(old, next) {
		count[string(c.Op)]++
		if c.Moved {
			count["moved"]++
		}
	}
	// One paragraph in ten edited, one in a hundred replaced by a new one,
	// one in fifty moved (see edited).
	if fmt.Sprint(count) != "map[added:5 edited:50 kept:445 moved:10 removed:5]" {
		t.Errorf("diff counts: %v", count)
	}
}

// FuzzIdentifyDiff: whatever two drafts, the diff accounts for every
// paragraph of each once, in the new revision's order.
func FuzzIdentifyDiff(f *testing.F) {
	f.Add(mustRead(f), "# Global compact\n\n1. This Global Compact rests on the Charter.\n\n2. We commit to strengthen.\n")
	f.Add("1. a b c\n\n2. d e f\n\n3. g h i\n", "1. g h i\n\n2. a b x\n\n3. d e f\n")
	f.Fuzz(func(t *testing.T, a, b string) {
		old, err := Parse(a)
		if err != nil {
			return
		}
		next, err := Parse(b)
		if err != nil {
			return
		}
		Identify(nil, old)
		next.Number = 1
		Identify(old, next)
		var olds, news int
		for _, c := range Diff(old, next) {
			if c.Op != Added {
				olds++
			}
			if c.Op != Removed {
				if c.ID != next.Paragraphs[news].ID {
					t.Fatalf("change %+v out of the new revision's order", c)
				}
				news++
			}
		}
		if olds != len(old.Paragraphs) || news != len(next.Paragraphs) {
			t.Fatalf("diff accounts for %d of %d old and %d of %d new paragraphs", olds, len(old.Paragraphs), news, len(next.Paragraphs))
		}
	})
}

// FuzzSharedBoundsMyers: a word diff is skipped, on the count of shared
// words, only where Myers' own search would fail, so the skip changes no
// diff.
func FuzzSharedBoundsMyers(f *testing.F) {
	f.Add("a b c d", "d c b a")
	f.Add("the of and to", "of the to and x")
	f.Add(strings.Repeat("a b ", 40), strings.Repeat("b a ", 40))
	f.Fuzz(func(t *testing.T, a, b string) {
		aw, bw := strings.Fields(a), strings.Fields(b)
		limit := min(MaxWordEdits, (len(aw)+len(bw))/2)
		df := differ{budget: MaxDiffWork}
		df.ah, df.bh = hashWords(nil, aw), hashWords(nil, bw)
		skip := len(aw)+len(bw)-2*df.shared() > limit
		if _, ok := df.myers(aw, bw, limit); ok && skip {
			t.Fatalf("skipped a diff of at most %d edits", limit)
		}
	})
}

// worstRevisions are two 5,000-paragraph, 2 MB revisions whose paragraphs
// pair by ID, each new one its old one's words in reverse order: the same
// words, so the count of shared words cannot skip them, and each needs
// more than MaxWordEdits edits, so Myers' search runs to its limit.
func worstRevisions() (*Revision, *Revision) {
	old := bigRevision(1, benchParagraphs, benchBytes)
	Identify(nil, old)
	next := &Revision{Number: 1, Paragraphs: append([]Paragraph(nil), old.Paragraphs...)}
	for i, p := range next.Paragraphs {
		w := strings.Fields(p.Text)
		slices.Reverse(w)
		next.Paragraphs[i].Text = strings.Join(w, " ")
	}
	return old, next
}

// TestDiffWorstCaseIsBounded: the worst case stops at MaxDiffWork steps,
// allocates within the 50 MB, and still accounts for every word.
func TestDiffWorstCaseIsBounded(t *testing.T) {
	old, next := worstRevisions()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	df := differ{budget: MaxDiffWork}
	changes := df.diff(old, next)
	runtime.ReadMemStats(&after)
	if df.budget > 0 {
		t.Fatalf("the worst case left %d of %d steps: not a worst case", df.budget, MaxDiffWork)
	}
	if used := MaxDiffWork - df.budget; used > MaxDiffWork+1 {
		t.Errorf("%d steps, past the cap of %d", used, MaxDiffWork)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 50<<20 {
		t.Errorf("%d MB allocated, want at most 50", alloc>>20)
	}
	if len(changes) != len(next.Paragraphs) {
		t.Fatalf("%d changes for %d paragraphs", len(changes), len(next.Paragraphs))
	}
	for i, c := range changes {
		var olds, news []string
		for _, s := range c.Words {
			if s.Op != "+" {
				olds = append(olds, s.Text)
			}
			if s.Op != "-" {
				news = append(news, s.Text)
			}
		}
		if strings.Join(olds, " ") != old.Paragraphs[i].Text || strings.Join(news, " ") != next.Paragraphs[i].Text {
			t.Fatalf("paragraph %d: the word diff does not give back both texts", i)
		}
	}
	// The steps are the CPU's bound; allocations stay per paragraph.
	if n := testing.AllocsPerRun(1, func() { Diff(old, next) }); n > 12*benchParagraphs {
		t.Errorf("%.0f allocations, want at most 12 a paragraph", n)
	}
}
