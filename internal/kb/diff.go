package kb

import "strings"

// DiffLine is one line of a comparison between two texts.
type DiffLine struct {
	Op   byte // ' ' in both, '-' only in the old text, '+' only in the new one
	Text string
}

// maxDiffCells bounds the work of DiffLines (old lines × new lines).
const maxDiffCells = 4_000_000

// DiffLines compares two texts line by line (longest common subsequence), for showing
// what a version changed. Texts too long to compare are shown as all removed, then all
// added.
func DiffLines(old, new string) []DiffLine {
	a, b := strings.Split(old, "\n"), strings.Split(new, "\n")
	var out []DiffLine
	if len(a)*len(b) > maxDiffCells {
		for _, l := range a {
			out = append(out, DiffLine{'-', l})
		}
		for _, l := range b {
			out = append(out, DiffLine{'+', l})
		}
		return out
	}
	// lcs[i][j] is the length of the longest common subsequence of a[i:] and b[j:].
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			out = append(out, DiffLine{' ', a[i]})
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, DiffLine{'-', a[i]})
			i++
		default:
			out = append(out, DiffLine{'+', b[j]})
			j++
		}
	}
	for ; i < len(a); i++ {
		out = append(out, DiffLine{'-', a[i]})
	}
	for ; j < len(b); j++ {
		out = append(out, DiffLine{'+', b[j]})
	}
	return out
}
