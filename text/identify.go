package text

import (
	"cmp"
	"slices"
	"unicode"
	"unicode/utf8"
)

// similar is the word-set similarity (Jaccard: shared words over all words)
// from which Identify takes an edited paragraph for the same paragraph.
const similar = 0.5

// commonWord is how many unmatched earlier paragraphs a word may appear in
// and still suggest a match: rarer words only, so that "the" and "migrants"
// do not make every paragraph a candidate for every other.
const commonWord = 32

// Identify gives next's paragraphs their IDs, next being a new revision
// of prev (next's IDs, if any, are replaced). A paragraph keeps the ID of
// the earlier paragraph with the same text, in the order they come; then of
// the earlier paragraph most like it (word-set similarity at least Similar,
// best pairs first); any other paragraph gets a new ID from next.Number and
// its position. A nil prev gives every paragraph a new ID.
//
// It is deterministic, and bounded on any input: each paragraph is compared
// only with the earlier ones that share a third of its rarer words (those
// found in at most commonWord of them), and with those next to where its
// neighbours came from (an edit in place, however common its words).
func Identify(prev, next *Revision) {
	matched := make([]bool, len(next.Paragraphs))
	for i := range next.Paragraphs {
		next.Paragraphs[i].ID = ""
	}
	if prev != nil {
		taken := make([]bool, len(prev.Paragraphs))
		byText := make(map[string][]int)
		for i, p := range prev.Paragraphs {
			byText[p.Text] = append(byText[p.Text], i)
		}
		from := make([]int, len(next.Paragraphs)) // the old index of an exact match, or -1
		for i := range next.Paragraphs {
			from[i] = -1
			if same := byText[next.Paragraphs[i].Text]; len(same) > 0 {
				next.Paragraphs[i].ID = prev.Paragraphs[same[0]].ID
				taken[same[0]], matched[i], from[i] = true, true, same[0]
				byText[next.Paragraphs[i].Text] = same[1:]
			}
		}
		for _, pair := range similarPairs(prev, next, taken, matched, from) {
			if !taken[pair.old] && !matched[pair.new] {
				next.Paragraphs[pair.new].ID = prev.Paragraphs[pair.old].ID
				taken[pair.old], matched[pair.new] = true, true
			}
		}
	}
	for i := range next.Paragraphs {
		if !matched[i] {
			next.Paragraphs[i].ID = newID(next.Number, i)
		}
	}
}

type pair struct {
	old, new int
	sim      float64
}

// similarPairs are the pairs of unmatched paragraphs similar enough, best
// first, ties broken by position.
func similarPairs(prev, next *Revision, taken, matched []bool, from []int) []pair {
	oldWords := make([][]uint64, len(prev.Paragraphs))
	index := make(map[uint64][]int)
	for i, p := range prev.Paragraphs {
		if taken[i] {
			continue
		}
		oldWords[i] = wordSet(p.Text)
		for _, w := range oldWords[i] {
			index[w] = append(index[w], i)
		}
	}
	var pairs []pair
	// shared counts, for the paragraph at hand, the words each earlier one
	// has in common with it; touched lists those counted, to reset them.
	shared := make([]int, len(prev.Paragraphs))
	var touched []int
	count := func(i, n int) {
		if shared[i] == 0 {
			touched = append(touched, i)
		}
		shared[i] += n
	}
	for j, p := range next.Paragraphs {
		if matched[j] {
			continue
		}
		words := wordSet(p.Text)
		for _, i := range touched {
			shared[i] = 0
		}
		touched = touched[:0]
		rare := 0
		for _, w := range words {
			if olds := index[w]; len(olds) > 0 && len(olds) <= commonWord {
				rare++
				for _, i := range olds {
					count(i, 1)
				}
			}
		}
		// Next to where a neighbour came from: a candidate whatever it shares.
		if j > 0 && from[j-1] >= 0 && from[j-1]+1 < len(prev.Paragraphs) && !taken[from[j-1]+1] {
			count(from[j-1]+1, len(words)+1)
		}
		if j+1 < len(next.Paragraphs) && from[j+1] > 0 && !taken[from[j+1]-1] {
			count(from[j+1]-1, len(words)+1)
		}
		for _, i := range touched {
			// Half the words in common at least, if similar: a third of
			// the rare ones, or it is chance.
			if shared[i] < max(1, rare/3) {
				continue
			}
			n := intersection(oldWords[i], words)
			if sim := float64(n) / float64(len(oldWords[i])+len(words)-n); sim >= similar {
				pairs = append(pairs, pair{i, j, sim})
			}
		}
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		return cmp.Or(cmp.Compare(b.sim, a.sim), cmp.Compare(a.new, b.new), cmp.Compare(a.old, b.old))
	})
	return pairs
}

// wordSet is text's distinct words, as runs of letters and digits without
// case, each by its 64-bit FNV-1a hash (a fixed function, so that the
// result never depends on the run), sorted.
func wordSet(text string) []uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	var words []uint64
	h, in := uint64(offset), false
	for _, r := range text {
		if r < utf8.RuneSelf && 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		if r < utf8.RuneSelf && ('a' <= r && r <= 'z' || '0' <= r && r <= '9') {
			h = (h ^ uint64(r)) * prime
			in = true
			continue
		}
		if r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			for r = unicode.ToLower(r); r > 0; r >>= 8 {
				h = (h ^ uint64(r&0xff)) * prime
			}
			in = true
			continue
		}
		if in {
			words = append(words, h)
			h, in = offset, false
		}
	}
	if in {
		words = append(words, h)
	}
	slices.Sort(words)
	return slices.Compact(words)
}

// intersection counts the words in both sorted sets.
func intersection(a, b []uint64) int {
	n := 0
	for len(a) > 0 && len(b) > 0 {
		switch {
		case a[0] == b[0]:
			n++
			a, b = a[1:], b[1:]
		case a[0] < b[0]:
			a = a[1:]
		default:
			b = b[1:]
		}
	}
	return n
}
