package text

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/compact-un/compact/process"
)

// vocabulary is a made-up word list: benchmark texts need words of UN-draft
// length, not real drafts. Half the words of a sentence come from it, the
// other half from rarer made-up words, as a real text mixes both.
var vocabulary = strings.Fields(`migrants States commit cooperation international human rights
	ensure protection regular safe orderly migration national policies data evidence development
	sustainable labour mobility children women return readmission border management consular
	integration inclusion remittances diaspora capacity partnership implementation review follow-up
	the of and to in for with on by as at all including through their our we will promote support`)

// sentence is n words drawn by r, ending with a full stop.
func sentence(r *rand.Rand, n int) string {
	words := make([]string, n)
	for i := range words {
		words[i] = word(r)
	}
	return strings.Join(words, " ") + "."
}

func word(r *rand.Rand) string {
	if r.IntN(2) == 0 {
		return vocabulary[r.IntN(len(vocabulary))]
	}
	return fmt.Sprintf("term%d", r.IntN(20000))
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
				w[r.IntN(len(w))] = word(r)
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

// measure runs the benchmark's loop reporting, besides the wall time and
// the allocations, the process's CPU time per operation: on a machine
// shared with other work the wall time says more about the others.
func measure(b *testing.B, op func()) {
	b.ReportAllocs()
	var before, after syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &before); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		op()
	}
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &after); err != nil {
		b.Fatal(err)
	}
	cpu := time.Duration(after.Utime.Nano() + after.Stime.Nano() - before.Utime.Nano() - before.Stime.Nano())
	b.ReportMetric(float64(cpu)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

const (
	benchParagraphs = 5000
	benchBytes      = 2 << 20
)

// BenchmarkDiff: two 5,000-paragraph, 2 MB revisions. "similar" is a
// revision and its edit (Identify then Diff, as a new revision is read);
// "different" gives two unrelated texts the same IDs, the worst case for
// the word diffs; "identify-different" is Identify and Diff on two
// unrelated texts, which match nothing; "worst" gives each paragraph its
// words reversed (see worstRevisions). "baseline-whole-paragraphs" is
// the same-run baseline: process.DiffParagraphs, today's whole-paragraph
// LCS diff, on the similar pair.
func BenchmarkDiff(b *testing.B) {
	old := bigRevision(1, benchParagraphs, benchBytes)
	Identify(nil, old)
	similar := edited(old)
	different := bigRevision(3, benchParagraphs, benchBytes)
	different.Number = 1
	b.Run("similar", func(b *testing.B) {
		measure(b, func() {
			Identify(old, similar)
			Diff(old, similar)
		})
	})
	b.Run("different", func(b *testing.B) {
		sameIDs := *different
		sameIDs.Paragraphs = append([]Paragraph(nil), different.Paragraphs...)
		for i := range sameIDs.Paragraphs {
			sameIDs.Paragraphs[i].ID = old.Paragraphs[i].ID
		}
		measure(b, func() {
			Diff(old, &sameIDs)
		})
	})
	b.Run("worst", func(b *testing.B) {
		old, next := worstRevisions()
		measure(b, func() {
			Diff(old, next)
		})
	})
	b.Run("baseline-whole-paragraphs", func(b *testing.B) {
		texts := func(r *Revision) []string {
			out := make([]string, len(r.Paragraphs))
			for i, p := range r.Paragraphs {
				out[i] = p.Text
			}
			return out
		}
		a, c := texts(old), texts(similar)
		measure(b, func() {
			process.DiffParagraphs(a, c)
		})
	})
	b.Run("identify-different", func(b *testing.B) {
		measure(b, func() {
			Identify(old, different)
			Diff(old, different)
		})
	})
}

// BenchmarkCompile: the compilation text of a 1,000-paragraph revision with
// 5,000 amendments of every kind and 50,000 positions from the 193 Member
// States; "next" then makes the next revision from it with every fifth
// amendment incorporated. "baseline-markdown" is the same-run baseline:
// the revision's own text, without amendments.
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
	b.Run("baseline-markdown", func(b *testing.B) {
		measure(b, func() {
			_ = rev.Markdown()
		})
	})
	b.Run("text", func(b *testing.B) {
		measure(b, func() {
			c, err := Compile(rev, ams, positions, marks)
			if err != nil {
				b.Fatal(err)
			}
			_ = c.Text()
		})
	})
	b.Run("next", func(b *testing.B) {
		c, err := Compile(rev, ams, positions, marks)
		if err != nil {
			b.Fatal(err)
		}
		measure(b, func() {
			if _, _, err := c.Next(); err != nil {
				b.Fatal(err)
			}
		})
	})
}
