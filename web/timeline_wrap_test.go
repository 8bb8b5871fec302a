package web

import (
	"slices"
	"strings"
	"testing"
)

// TestWrapLabel: a title too long for the timeline's column wraps between
// words, or between characters where it has no spaces; nothing is cut.
func TestWrapLabel(t *testing.T) {
	for _, title := range []string{
		"Round",
		"Sixth round of intergovernmental negotiations on the global compact",
		"Шестой раунд межправительственных переговоров по глобальному договору",
		"关于安全、有序和正常移民全球契约的第六轮政府间谈判",
		"الجولة السادسة من المفاوضات الحكومية الدولية بشأن الاتفاق العالمي",
		"Supercalifragilisticexpialidociousandevenlongerthanthatwithoutanyspaceatall",
	} {
		lines := wrapLabel(title, tlLabelWidth)
		for _, l := range lines {
			if labelWidth(l) > tlLabelWidth || l == "" {
				t.Errorf("%q: line %q is %g wide, the column %g", title, l, labelWidth(l), tlLabelWidth)
			}
		}
		joined := strings.Join(lines, " ")
		if strings.ContainsRune(title, ' ') && joined != title ||
			!strings.ContainsRune(title, ' ') && strings.Join(lines, "") != title {
			t.Errorf("%q wraps to %q", title, lines)
		}
	}
	if got := wrapLabel("Round", tlLabelWidth); !slices.Equal(got, []string{"Round"}) {
		t.Errorf("a short title: %q", got)
	}
}
