package process

import (
	"cmp"
	"slices"
)

// DiffOp is one step of a paragraph diff: a paragraph kept, removed from the
// old revision or added in the new one.
type DiffOp struct {
	Op   string `json:"op"`  // "=", "-", "+"
	Old  int    `json:"old"` // paragraph number in the old revision, 1-based; 0 for "+"
	New  int    `json:"new"` // paragraph number in the new revision, 1-based; 0 for "-"
	Text string `json:"text"`
}

// DiffStats counts a diff's operations.
type DiffStats struct {
	Kept    int `json:"kept"`
	Removed int `json:"removed"`
	Added   int `json:"added"`
}

// maxDiffCells bounds the table of one longest-common-subsequence step:
// 4M int32 cells, 16 MB. A larger step is split at anchors instead.
const maxDiffCells = 1 << 22

// DiffParagraphs is the shortest edit script from old to new by whole
// paragraphs (longest common subsequence): a changed paragraph shows as
// removed and added. Its memory is bounded whatever the revisions: common
// ends are matched first, and a middle whose table would exceed
// maxDiffCells is split at the paragraphs found once in each side, in an
// order both keep (patience diff), the rest of a part too large for the
// table being removed and added whole.
func DiffParagraphs(old, new []string) []DiffOp {
	ids := map[string]int32{}
	id := func(texts []string) []int32 {
		out := make([]int32, len(texts))
		for i, t := range texts {
			n, ok := ids[t]
			if !ok {
				n = int32(len(ids))
				ids[t] = n
			}
			out[i] = n
		}
		return out
	}
	d := differ{old: old, new: new, a: id(old), b: id(new)}
	d.diff(0, len(old), 0, len(new))
	return d.ops
}

// differ writes the edit script of old[i:] to new[j:] as ops, a and b
// being the paragraphs as numbers, equal for equal texts.
type differ struct {
	old, new []string
	a, b     []int32
	ops      []DiffOp
}

func (d *differ) keep(i, j int) {
	d.ops = append(d.ops, DiffOp{Op: "=", Old: i + 1, New: j + 1, Text: d.old[i]})
}
func (d *differ) remove(i int)       { d.ops = append(d.ops, DiffOp{Op: "-", Old: i + 1, Text: d.old[i]}) }
func (d *differ) add(j int)          { d.ops = append(d.ops, DiffOp{Op: "+", New: j + 1, Text: d.new[j]}) }
func (d *differ) same(i, j int) bool { return d.a[i] == d.b[j] }

// diff writes the script of old[i0:i1] to new[j0:j1].
func (d *differ) diff(i0, i1, j0, j1 int) {
	for i0 < i1 && j0 < j1 && d.same(i0, j0) {
		d.keep(i0, j0)
		i0, j0 = i0+1, j0+1
	}
	tail := 0
	for i0 < i1-tail && j0 < j1-tail && d.same(i1-1-tail, j1-1-tail) {
		tail++
	}
	switch n, m := i1-tail-i0, j1-tail-j0; {
	case n == 0 || m == 0 || n*m <= maxDiffCells:
		d.lcs(i0, i1-tail, j0, j1-tail)
	default:
		d.anchored(i0, i1-tail, j0, j1-tail)
	}
	for k := tail; k > 0; k-- {
		d.keep(i1-k, j1-k)
	}
}

// lcs writes the script of a part small enough for the table.
func (d *differ) lcs(i0, i1, j0, j1 int) {
	n, m := i1-i0, j1-j0
	// t[i*(m+1)+j] is the LCS length of old[i0+i:i1] and new[j0+j:j1].
	t := make([]int32, (n+1)*(m+1))
	at := func(i, j int) int32 { return t[i*(m+1)+j] }
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if d.same(i0+i, j0+j) {
				t[i*(m+1)+j] = at(i+1, j+1) + 1
			} else {
				t[i*(m+1)+j] = max(at(i+1, j), at(i, j+1))
			}
		}
	}
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && d.same(i0+i, j0+j):
			d.keep(i0+i, j0+j)
			i, j = i+1, j+1
		case j < m && (i == n || at(i, j+1) >= at(i+1, j)):
			d.add(j0 + j)
			j++
		default:
			d.remove(i0 + i)
			i++
		}
	}
}

// anchored splits a part too large for the table at its anchors, the
// paragraphs found once in old[i0:i1] and once in new[j0:j1], the longest
// run of them both keep in order; with none, the part is removed and added.
func (d *differ) anchored(i0, i1, j0, j1 int) {
	count := map[int32][2]int{} // occurrences in old, in new
	where := map[int32]int{}    // a paragraph's index in old
	for i := i0; i < i1; i++ {
		c := count[d.a[i]]
		c[0]++
		count[d.a[i]], where[d.a[i]] = c, i
	}
	for j := j0; j < j1; j++ {
		if c, ok := count[d.b[j]]; ok {
			c[1]++
			count[d.b[j]] = c
		}
	}
	// Unique pairs in new's order; the longest increasing run of their old
	// indexes (patience sorting) is the anchors.
	type pair struct{ i, j int }
	var pairs []pair
	for j := j0; j < j1; j++ {
		if c := count[d.b[j]]; c[0] == 1 && c[1] == 1 {
			pairs = append(pairs, pair{where[d.b[j]], j})
		}
	}
	var tops []int // index in pairs of the last of each pile
	prev := make([]int, len(pairs))
	for k, p := range pairs {
		pile, _ := slices.BinarySearchFunc(tops, p.i, func(top, i int) int { return cmp.Compare(pairs[top].i, i) })
		prev[k] = -1
		if pile > 0 {
			prev[k] = tops[pile-1]
		}
		if pile == len(tops) {
			tops = append(tops, k)
		} else {
			tops[pile] = k
		}
	}
	if len(tops) == 0 {
		for i := i0; i < i1; i++ {
			d.remove(i)
		}
		for j := j0; j < j1; j++ {
			d.add(j)
		}
		return
	}
	anchors := make([]pair, len(tops))
	for k, n := tops[len(tops)-1], len(tops)-1; k >= 0; k, n = prev[k], n-1 {
		anchors[n] = pairs[k]
	}
	for _, p := range anchors {
		d.diff(i0, p.i, j0, p.j)
		d.keep(p.i, p.j)
		i0, j0 = p.i+1, p.j+1
	}
	d.diff(i0, i1, j0, j1)
}

// Stats counts ops.
func Stats(ops []DiffOp) DiffStats {
	var s DiffStats
	for _, op := range ops {
		switch op.Op {
		case "=":
			s.Kept++
		case "-":
			s.Removed++
		case "+":
			s.Added++
		}
	}
	return s
}
