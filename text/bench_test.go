package text

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/compact-un/compact/process"
)

// vocabulary is a made-up word list: benchmark texts need words of UN-draft
// length, not real drafts.
var vocabulary = strings.Fields(`migrants States commit cooperation international human rights
	ensure protection regular safe orderly migration national policies data evidence development
	sustainable labour mobility children women return readmission border management consular
	integration inclusion remittances diaspora capacity partnership implementation review follow-up
	the of and to in for with on by as at all including through their our we will promote support`)

// sentence is n words drawn by r, ending with a full stop.
func sentence(r *rand.Rand, n int) string {
	words := make([]string, n)
	for i := range words {
		words[i] = vocabulary[r.IntN(len(vocabulary))]
	}
	return strings.Join(words, " ") + "."
}

// bigRevision has n operative paragraphs of about size bytes in all.
func bigRevision(seed uint64, n, size int) *Revision {
	r := rand.New(rand.NewPCG(seed, 1))
	words := size / n / 8 // about 8 bytes a word with its space
	rev := &Revision{Paragraphs: make([]Paragraph, n)}
	for i := range rev.Paragraphs {
		rev.Paragraphs[i] = Paragraph{Part: Operative, Text: sentence(r, words)}
	}
	rev.Renumber()
	return rev
}

// edited is rev's next revision: one paragraph in ten edited by a few words,
// one in fifty moved ten places on, one in a hundred removed and one added.
func edited(rev *Revision) *Revision {
	r := rand.New(rand.NewPCG(2, 2))
	next := &Revision{Number: rev.Number + 1}
	for i, p := range rev.Paragraphs {
		p.ID = ""
		switch {
		case i%100 == 99:
			next.Paragraphs = append(next.Paragraphs, Paragraph{Part: Operative, Text: sentence(r, 50)})
			continue
		case i%10 == 3:
			w := strings.Fields(p.Text)
			for k := 0; k < 3; k++ {
				w[r.IntN(len(w))] = vocabulary[r.IntN(len(vocabulary))]
			}
			p.Text = strings.Join(w, " ")
		}
		next.Paragraphs = append(next.Paragraphs, p)
	}
	for i := 0; i+10 < len(next.Paragraphs); i += 50 {
		p := next.Paragraphs[i]
		copy(next.Paragraphs[i:], next.Paragraphs[i+1:i+11])
		next.Paragraphs[i+10] = p
	}
	next.Renumber()
	return next
}

const (
	benchParagraphs = 5000
	benchBytes      = 2 << 20
)

// BenchmarkDiff: two 5,000-paragraph, 2 MB revisions. "similar" is a
// revision and its edit (Identify then Diff, as a new revision is read);
// "different" gives two unrelated texts the same IDs, the worst case for
// the word diffs; "identify-different" is Identify and Diff on two
// unrelated texts, which match nothing.
func BenchmarkDiff(b *testing.B) {
	old := bigRevision(1, benchParagraphs, benchBytes)
	Identify(nil, old)
	similar := edited(old)
	different := bigRevision(3, benchParagraphs, benchBytes)
	different.Number = 1
	b.Run("similar", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Identify(old, similar)
			Diff(old, similar)
		}
	})
	b.Run("different", func(b *testing.B) {
		sameIDs := *different
		sameIDs.Paragraphs = append([]Paragraph(nil), different.Paragraphs...)
		for i := range sameIDs.Paragraphs {
			sameIDs.Paragraphs[i].ID = old.Paragraphs[i].ID
		}
		b.ReportAllocs()
		for b.Loop() {
			Diff(old, &sameIDs)
		}
	})
	b.Run("identify-different", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Identify(old, different)
			Diff(old, different)
		}
	})
}

// BenchmarkCompile: the compilation text of a 1,000-paragraph revision with
// 5,000 amendments of every kind and 50,000 positions from the 193 Member
// States; "next" then makes the next revision from it with every fifth
// amendment incorporated.
func BenchmarkCompile(b *testing.B) {
	rev := bigRevision(4, 1000, 400<<10)
	Identify(nil, rev)
	r := rand.New(rand.NewPCG(5, 5))
	states := process.MemberStates()
	kinds := []AmendmentKind{Replace, InsertBefore, InsertAfter, Delete, NewParagraph, EditWords}
	ams := make([]Amendment, 5000)
	marks := Marks{Amendments: map[string]Decision{}}
	for i := range ams {
		p := rev.Paragraphs[r.IntN(len(rev.Paragraphs))]
		a := Amendment{ID: fmt.Sprintf("A%d", i+1), Kind: kinds[i%len(kinds)], Paragraph: p.ID, Sponsor: states[r.IntN(len(states))].Code, Cites: []string{fmt.Sprintf("GCM-TS1-%06d", i)}}
		switch a.Kind {
		case Delete:
		case NewParagraph:
			a.Paragraph, a.Part, a.Text = "", Operative, sentence(r, 40)
		case EditWords:
			a.Edits = []Edit{{Old: p.Text[:20], New: "amended words"}}
		default:
			a.Text = sentence(r, 50)
		}
		ams[i] = a
		// Every fifth incorporated, on paragraphs no other decision touches.
		if i%5 == 0 && a.Kind != Replace && a.Kind != Delete && a.Kind != EditWords {
			marks.Amendments[a.ID] = Decision{Outcome: Incorporated}
		}
	}
	stances := []Stance{Support, Oppose, Reservation}
	positions := make([]Position, 50000)
	for i := range positions {
		positions[i] = Position{Party: states[r.IntN(len(states))].Code, Amendment: ams[r.IntN(len(ams))].ID, Stance: stances[r.IntN(3)]}
	}
	b.Run("text", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c, err := Compile(rev, ams, positions, marks)
			if err != nil {
				b.Fatal(err)
			}
			_ = c.Text()
		}
	})
	b.Run("next", func(b *testing.B) {
		c, err := Compile(rev, ams, positions, marks)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := c.Next(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
