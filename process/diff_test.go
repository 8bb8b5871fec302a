package process

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// sides rebuilds both revisions from a script, or says where it is wrong.
func sides(t testing.TB, ops []DiffOp, old, new []string) {
	t.Helper()
	var gotOld, gotNew []string
	for _, op := range ops {
		switch op.Op {
		case "=":
			if op.Old != len(gotOld)+1 || op.New != len(gotNew)+1 || old[op.Old-1] != new[op.New-1] {
				t.Fatalf("bad keep %+v", op)
			}
			gotOld, gotNew = append(gotOld, op.Text), append(gotNew, op.Text)
		case "-":
			if op.Old != len(gotOld)+1 {
				t.Fatalf("bad removal %+v", op)
			}
			gotOld = append(gotOld, op.Text)
		case "+":
			if op.New != len(gotNew)+1 {
				t.Fatalf("bad addition %+v", op)
			}
			gotNew = append(gotNew, op.Text)
		}
	}
	if !slices.Equal(gotOld, old) || !slices.Equal(gotNew, new) {
		t.Fatalf("the script rebuilds %q → %q, not %q → %q", gotOld, gotNew, old, new)
	}
}

// lcsLength is the textbook table, for small inputs.
func lcsLength(a, b []string) int {
	t := make([][]int, len(a)+1)
	for i := range t {
		t[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				t[i][j] = t[i+1][j+1] + 1
			} else {
				t[i][j] = max(t[i+1][j], t[i][j+1])
			}
		}
	}
	return t[0][0]
}

func TestDiffParagraphs(t *testing.T) {
	old := []string{"Title", "We the States", "Objective 1", "Collect data", "Objective 2", "Reduce drivers"}
	new := []string{"Title", "We the States", "Objective 1", "Collect and use data", "Objective 2", "Reduce drivers", "Objective 3"}
	ops := DiffParagraphs(old, new)
	sides(t, ops, old, new)
	if got := Stats(ops); got != (DiffStats{Kept: 5, Removed: 1, Added: 2}) {
		t.Fatalf("stats %+v", got)
	}
	for _, tc := range [][2][]string{{nil, nil}, {{"a"}, nil}, {nil, {"a"}}, {{"a", "a", "b"}, {"b", "a", "a"}}} {
		sides(t, DiffParagraphs(tc[0], tc[1]), tc[0], tc[1])
	}
}

// FuzzDiffParagraphs checks that a script rebuilds both sides and is
// shortest, on small revisions drawn from a few paragraphs.
func FuzzDiffParagraphs(f *testing.F) {
	f.Add([]byte("abcabba"), []byte("cbabac"))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		if len(a) > 64 || len(b) > 64 {
			return
		}
		split := func(bs []byte) []string {
			var out []string
			for _, c := range bs {
				out = append(out, string('a'+rune(c%5)))
			}
			return out
		}
		old, new := split(a), split(b)
		ops := DiffParagraphs(old, new)
		sides(t, ops, old, new)
		if kept := Stats(ops).Kept; kept != lcsLength(old, new) {
			t.Fatalf("keeps %d, the longest common run is %d", kept, lcsLength(old, new))
		}
	})
}

// TestDiffParagraphsMemoryBound diffs two 5,000-paragraph revisions, the
// most a draft may have, as the API may be asked to: totally different,
// shuffled, and one edited in many places. Each stays far under the 200 MB
// a whole table would take.
func TestDiffParagraphsMemoryBound(t *testing.T) {
	const n, bound = 5000, 64 << 20
	para := func(prefix string, i int) string {
		return fmt.Sprintf("%s paragraph %d of the draft, as typed.", prefix, i)
	}
	var a, b, c, edited []string
	for i := range n {
		a = append(a, para("A", i))
		b = append(b, para("B", i))
		c = append(c, para("A", i))
		edited = append(edited, para("A", i))
		if i%7 == 0 {
			edited[i] = para("Edited", i)
		}
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(c), func(i, j int) { c[i], c[j] = c[j], c[i] })
	for _, tc := range []struct {
		name     string
		old, new []string
		kept     int
	}{
		{"totally different", a, b, 0},
		{"shuffled", a, c, -1},
		{"edited throughout", a, edited, n - (n+6)/7},
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		ops := DiffParagraphs(tc.old, tc.new)
		runtime.ReadMemStats(&after)
		sides(t, ops, tc.old, tc.new)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > bound {
			t.Errorf("%s: allocated %d MB, over %d MB", tc.name, alloc>>20, bound>>20)
		}
		if kept := Stats(ops).Kept; tc.kept >= 0 && kept != tc.kept {
			t.Errorf("%s: keeps %d paragraphs, want %d", tc.name, kept, tc.kept)
		}
	}
}
