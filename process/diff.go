package process

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

// DiffParagraphs is the shortest edit script from old to new by whole
// paragraphs (longest common subsequence): a changed paragraph shows as
// removed and added.
func DiffParagraphs(old, new []string) []DiffOp {
	// lcs[i][j] is the LCS length of old[i:] and new[j:].
	lcs := make([][]int, len(old)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(new)+1)
	}
	for i := len(old) - 1; i >= 0; i-- {
		for j := len(new) - 1; j >= 0; j-- {
			if old[i] == new[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var ops []DiffOp
	i, j := 0, 0
	for i < len(old) || j < len(new) {
		switch {
		case i < len(old) && j < len(new) && old[i] == new[j]:
			ops = append(ops, DiffOp{Op: "=", Old: i + 1, New: j + 1, Text: old[i]})
			i++
			j++
		case j < len(new) && (i == len(old) || lcs[i][j+1] >= lcs[i+1][j]):
			ops = append(ops, DiffOp{Op: "+", New: j + 1, Text: new[j]})
			j++
		default:
			ops = append(ops, DiffOp{Op: "-", Old: i + 1, Text: old[i]})
			i++
		}
	}
	return ops
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
