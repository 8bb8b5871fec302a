package text

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ChangeOp is what became of a paragraph between two revisions.
type ChangeOp string

const (
	Kept    ChangeOp = "kept"    // same text
	Edited  ChangeOp = "edited"  // same paragraph, text changed: see Words
	Added   ChangeOp = "added"   // only in the new revision
	Removed ChangeOp = "removed" // only in the old revision
)

// Change is one paragraph in a diff.
type Change struct {
	Op ChangeOp `json:"op"`
	ID string   `json:"id"`
	// Moved: the paragraph is kept or edited but left its place among the
	// others (it is shown at its new place).
	Moved  bool   `json:"moved,omitempty"`
	OldNum string `json:"oldNum,omitempty"`
	NewNum string `json:"newNum,omitempty"`
	Text   string `json:"text,omitempty"`  // kept, added or removed text
	Words  []Span `json:"words,omitempty"` // an edited paragraph's text, word by word
}

// Span is a run of words kept ("="), removed ("-") or added ("+").
type Span struct {
	Op   string `json:"op"`
	Text string `json:"text"`
}

// MaxWordEdits caps the word-level diff of one paragraph: past this many
// words removed or added (after the words the two texts start and end
// with), or past half their words, the paragraph is shown as its old text
// removed and its new text added, which reads as well.
const MaxWordEdits = 64

// MaxDiffWork caps the word diffs of one Diff in all: the steps of Myers'
// algorithm (a diagonal tried or a word compared), under 10 ns each here. A
// 2 MB revision whose 5,000 paragraphs were each edited at both ends takes
// a tenth of it, one with a tenth of them edited by three words 1/170th;
// past it, an edited paragraph is shown replaced whole.
const MaxDiffWork = 1 << 22

// Diff compares two revisions whose paragraphs carry IDs (see Identify):
// paragraphs are matched by ID; among the matched, those out of their
// order are the moved ones (the longest run kept in order is not); matched
// paragraphs whose text changed get a word-level diff. The changes follow
// the new revision's order, each removed paragraph after the one it
// followed in the old.
//
// Bound: matching is linear and finding moves O(n log n) in paragraphs. A
// paragraph's word diff first counts the words its two texts share, in a
// hash table, O(N+M): when MaxWordEdits edits cannot turn one into the
// other, as for two unrelated texts given the same ID, it is replaced
// whole without diffing (Myers would fail: the skip changes no diff).
// Otherwise Myers' O((N+M)·D) over words, after their common start and
// end, stops at D = MaxWordEdits, and all the paragraphs' word diffs
// together stop after MaxDiffWork steps, the paragraphs after that being
// replaced whole. So the whole costs O(W) for W words in both revisions
// plus at most MaxDiffWork steps, and O(MaxWordEdits²) memory reused from
// paragraph to paragraph besides the changes, whatever the texts.
func Diff(old, new *Revision) []Change {
	df := differ{budget: MaxDiffWork}
	return df.diff(old, new)
}

func (df *differ) diff(old, new *Revision) []Change {
	oldAt := make(map[string]int, len(old.Paragraphs))
	for i, p := range old.Paragraphs {
		oldAt[p.ID] = i
	}
	var pairs [][2]int // old, new indexes of matched paragraphs, in new order
	present := make([]bool, len(old.Paragraphs))
	for j, p := range new.Paragraphs {
		if i, ok := oldAt[p.ID]; ok && !present[i] {
			pairs = append(pairs, [2]int{i, j})
			present[i] = true
		}
	}
	inOrder := longestIncreasing(pairs)
	changes := make([]Change, 0, len(new.Paragraphs))
	next := 0 // the first old paragraph not yet placed
	removedUpTo := func(end int) {
		for ; next < end; next++ {
			if !present[next] {
				p := old.Paragraphs[next]
				changes = append(changes, Change{Op: Removed, ID: p.ID, OldNum: p.Num, Text: p.Text})
			}
		}
	}
	k := 0
	for j, p := range new.Paragraphs {
		if k == len(pairs) || pairs[k][1] != j {
			changes = append(changes, Change{Op: Added, ID: p.ID, NewNum: p.Num, Text: p.Text})
			continue
		}
		i := pairs[k][0]
		moved := !inOrder[k]
		k++
		if !moved {
			removedUpTo(i + 1)
		}
		o := old.Paragraphs[i]
		c := Change{Op: Kept, ID: p.ID, Moved: moved, OldNum: o.Num, NewNum: p.Num, Text: p.Text}
		if o.Text != p.Text {
			c.Op, c.Text, c.Words = Edited, "", df.words(o.Text, p.Text)
		}
		changes = append(changes, c)
	}
	removedUpTo(len(old.Paragraphs))
	return changes
}

// longestIncreasing marks the pairs in a longest run whose old indexes
// increase (patience sorting, O(n log n)).
func longestIncreasing(pairs [][2]int) []bool {
	var tails []int // index into pairs of the smallest tail of each length
	prev := make([]int, len(pairs))
	for n, p := range pairs {
		l, _ := slices.BinarySearchFunc(tails, p[0], func(t, target int) int { return pairs[t][0] - target })
		prev[n] = -1
		if l > 0 {
			prev[n] = tails[l-1]
		}
		if l == len(tails) {
			tails = append(tails, n)
		} else {
			tails[l] = n
		}
	}
	in := make([]bool, len(pairs))
	if len(tails) > 0 {
		for n := tails[len(tails)-1]; n >= 0; n = prev[n] {
			in[n] = true
		}
	}
	return in
}

// WordDiff is the word-level difference from a to b, words being runs
// between spaces; see MaxWordEdits and MaxDiffWork for its bound.
func WordDiff(a, b string) []Span {
	df := differ{budget: MaxDiffWork}
	return df.words(a, b)
}

func (df *differ) words(a, b string) []Span {
	df.aw, df.bw = fields(df.aw[:0], a), fields(df.bw[:0], b)
	aw, bw := df.aw, df.bw
	pre := 0
	for pre < len(aw) && pre < len(bw) && aw[pre] == bw[pre] {
		pre++
	}
	suf := 0
	for suf < len(aw)-pre && suf < len(bw)-pre && aw[len(aw)-1-suf] == bw[len(bw)-1-suf] {
		suf++
	}
	var s spans
	s.add('=', aw[:pre]...)
	am, bm := aw[pre:len(aw)-suf], bw[pre:len(bw)-suf]
	limit := min(MaxWordEdits, (len(am)+len(bm))/2)
	df.ah, df.bh = hashWords(df.ah[:0], am), hashWords(df.bh[:0], bm)
	// Each word not shared is an edit: past the limit, Myers would fail.
	if len(am)+len(bm)-2*df.shared() > limit {
		s.add('-', am...)
		s.add('+', bm...)
		s.add('=', aw[len(aw)-suf:]...)
		return s.out
	}
	if ops, ok := df.myers(am, bm, limit); ok {
		x, y := 0, 0
		for _, op := range ops {
			switch op {
			case '=':
				s.add('=', am[x])
				x, y = x+1, y+1
			case '-':
				s.add('-', am[x])
				x++
			case '+':
				s.add('+', bm[y])
				y++
			}
		}
	} else {
		s.add('-', am...)
		s.add('+', bm...)
	}
	s.add('=', aw[len(aw)-suf:]...)
	return s.out
}

type spans struct{ out []Span }

func (s *spans) add(op byte, words ...string) {
	if len(words) == 0 {
		return
	}
	text := strings.Join(words, " ")
	if n := len(s.out); n > 0 && s.out[n-1].Op[0] == op {
		s.out[n-1].Text += " " + text
		return
	}
	s.out = append(s.out, Span{Op: string(op), Text: text})
}

// differ holds the buffers of word diffs, reused from one paragraph to
// the next, and the steps they may still take.
type differ struct {
	v      []int
	trace  []int // v before each round d, as v[-d-1..d+1], at d*d+2*d
	ops    []byte
	aw, bw []string // the words of the paragraphs at hand
	ah, bh []uint64 // the hashes of their middles' words
	keys   []uint64 // shared's table
	counts []int32
	budget int
}

// shared counts the words the paragraphs at hand have in common, with
// repeats (their multiset intersection): an upper bound of their longest
// common subsequence. Words are counted by their hashes in a table of
// twice the old words or more, reused; a collision only raises the count,
// so the bound holds.
func (df *differ) shared() int {
	size := 16
	for size < 2*len(df.ah) {
		size *= 2
	}
	if cap(df.keys) < size {
		df.keys, df.counts = make([]uint64, size), make([]int32, size)
	}
	keys, counts := df.keys[:size], df.counts[:size]
	clear(keys)
	slot := func(h uint64) int {
		i := int(h & uint64(size-1))
		for keys[i] != 0 && keys[i] != h {
			i = (i + 1) & (size - 1)
		}
		return i
	}
	for _, h := range df.ah {
		i := slot(h)
		if keys[i] == 0 {
			keys[i], counts[i] = h, 0
		}
		counts[i]++
	}
	n := 0
	for _, h := range df.bh {
		if i := slot(h); keys[i] != 0 && counts[i] > 0 {
			counts[i]--
			n++
		}
	}
	return n
}

// hashWords appends the FNV-1a hash of each word to h, none 0 (shared's
// empty slot).
func hashWords(h []uint64, words []string) []uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	for _, w := range words {
		x := uint64(offset)
		for i := 0; i < len(w); i++ {
			x = (x ^ uint64(w[i])) * prime
		}
		h = append(h, max(x, 1))
	}
	return h
}

// fields appends the runs of s between spaces to dst, as strings.Fields
// returns them.
func fields(dst []string, s string) []string {
	start := -1 // of the word at hand
	for i := 0; i < len(s); {
		c, n, space := s[i], 1, false
		if c < utf8.RuneSelf {
			space = asciiSpace[c]
		} else {
			var r rune
			r, n = utf8.DecodeRuneInString(s[i:])
			space = unicode.IsSpace(r)
		}
		switch {
		case space && start >= 0:
			dst, start = append(dst, s[start:i]), -1
		case !space && start < 0:
			start = i
		}
		i += n
	}
	if start >= 0 {
		dst = append(dst, s[start:])
	}
	return dst
}

var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// myers is the shortest edit script from a to b as '=', '-' and '+', or
// false when it needs more than limit edits or more steps than the
// differ's budget has left; df.ah and df.bh hold a's and b's hashes. The
// script is valid until the next call.
func (df *differ) myers(a, b []string, limit int) ([]byte, bool) {
	n, m := len(a), len(b)
	if df.budget <= 0 {
		return nil, false
	}
	maxD := min(n+m, limit)
	off := maxD + 1
	df.v = slices.Grow(df.v[:0], 2*maxD+3)[:2*maxD+3]
	v := df.v
	clear(v)
	df.trace = df.trace[:0]
	for d := 0; d <= maxD; d++ {
		df.trace = append(df.trace, v[off-d-1:off+d+2]...)
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || k != d && v[off+k-1] < v[off+k+1] {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y := x - k
			// A step for the diagonal and one for each word compared; the
			// snake stops where the budget does.
			end := min(n, m+k, x+df.budget)
			x0 := x
			for x < end && df.ah[x] == df.bh[y] && a[x] == b[y] {
				x, y = x+1, y+1
			}
			if df.budget -= 1 + x - x0; df.budget < 0 {
				return nil, false
			}
			v[off+k] = x
			if x >= n && y >= m {
				return df.backtrack(d, n, m), true
			}
		}
	}
	return nil, false
}

// backtrack walks the trace back from (x, y) at round last to the script.
func (df *differ) backtrack(last, x, y int) []byte {
	ops := df.ops[:0]
	for d := last; d >= 0; d-- {
		v := df.trace[d*d+2*d:]
		at := func(k int) int { return v[k+d+1] }
		k := x - y
		var pk int
		if k == -d || k != d && at(k-1) < at(k+1) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := at(pk)
		py := px - pk
		for x > px && y > py {
			ops = append(ops, '=')
			x, y = x-1, y-1
		}
		if d > 0 {
			if x == px {
				ops = append(ops, '+')
			} else {
				ops = append(ops, '-')
			}
		}
		x, y = px, py
	}
	slices.Reverse(ops)
	df.ops = ops
	return ops
}
