package text

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
)

// Similar is the word-set similarity (Jaccard: shared words over all words)
// from which Identify takes an edited paragraph for the same paragraph.
const Similar = 0.5

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
// only with the earlier ones that share a word found in at most commonWord
// of them.
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
		for i := range next.Paragraphs {
			if same := byText[next.Paragraphs[i].Text]; len(same) > 0 {
				next.Paragraphs[i].ID = prev.Paragraphs[same[0]].ID
				taken[same[0]], matched[i] = true, true
				byText[next.Paragraphs[i].Text] = same[1:]
			}
		}
		for _, pair := range similarPairs(prev, next, taken, matched) {
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
func similarPairs(prev, next *Revision, taken, matched []bool) []pair {
	oldWords := make([][]string, len(prev.Paragraphs))
	index := make(map[string][]int)
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
	shared := make(map[int]int)
	for j, p := range next.Paragraphs {
		if matched[j] {
			continue
		}
		words := wordSet(p.Text)
		clear(shared)
		for _, w := range words {
			if olds := index[w]; len(olds) <= commonWord {
				for _, i := range olds {
					shared[i]++
				}
			}
		}
		for i := range shared {
			// The count from rare words alone is a lower bound: count all.
			n := intersection(oldWords[i], words)
			if sim := float64(n) / float64(len(oldWords[i])+len(words)-n); sim >= Similar {
				pairs = append(pairs, pair{i, j, sim})
			}
		}
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		return cmp.Or(cmp.Compare(b.sim, a.sim), cmp.Compare(a.new, b.new), cmp.Compare(a.old, b.old))
	})
	return pairs
}

// wordSet is text's distinct lower-case words, sorted.
func wordSet(text string) []string {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	slices.Sort(words)
	return slices.Compact(words)
}

// intersection counts the words in both sorted sets.
func intersection(a, b []string) int {
	n := 0
	for len(a) > 0 && len(b) > 0 {
		switch c := strings.Compare(a[0], b[0]); {
		case c == 0:
			n++
			a, b = a[1:], b[1:]
		case c < 0:
			a = a[1:]
		default:
			b = b[1:]
		}
	}
	return n
}
