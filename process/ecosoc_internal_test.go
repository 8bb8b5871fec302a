package process

import "testing"

// FuzzEditDistance: the banded distance is the full Levenshtein distance
// wherever that is within the limit, and above the limit otherwise.
func FuzzEditDistance(f *testing.F) {
	for _, c := range [][2]string{{"kitten", "sitting"}, {"", "abc"}, {"international migrants forum", "internacional migrant forums"}, {"ab", "ba"}} {
		f.Add(c[0], c[1], 3)
	}
	f.Fuzz(func(t *testing.T, a, b string, limit int) {
		ra, rb := []rune(a), []rune(b)
		if len(ra) > 64 || len(rb) > 64 || limit < 0 || limit > 16 {
			return
		}
		full := levenshtein(ra, rb)
		got := editDistance(ra, rb, limit)
		if (full <= limit && got != full) || (full > limit && got <= limit) {
			t.Fatalf("editDistance(%q, %q, %d) = %d, Levenshtein %d", a, b, limit, got, full)
		}
	})
}

func levenshtein(a, b []rune) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
		}
	}
	return d[len(a)][len(b)]
}
