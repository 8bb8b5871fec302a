package text

import (
	"fmt"
	"testing"
)

func TestSourcesOfTheNextRevisionAreNexts(t *testing.T) {
	_, _, c := compiledScenario(t)
	next, sources, err := c.Next()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(c.SourcesOf(next)), fmt.Sprint(sources); got != want {
		t.Errorf("sources of the next revision: %s, want %s", got, want)
	}
}

// A revision typed by the co-facilitators rather than made by Next: its
// edits trace to the amendments decided on the paragraphs, and a change
// no amendment explains is listed with none.
func TestSourcesOfATypedRevision(t *testing.T) {
	rev, _, c := compiledScenario(t)
	typed, err := Parse(rev.Markdown())
	if err != nil {
		t.Fatal(err)
	}
	typed.Number = 1
	op1, op2 := -1, -1
	for i := range rev.Paragraphs {
		if rev.Label(i) == "OP1" {
			op1 = i
		}
		if rev.Label(i) == "OP2" {
			op2 = i
		}
	}
	typed.Paragraphs[op1].Text = "This Global Compact rests on the purposes and principles of the Charter."
	typed.Paragraphs[op2].Text += " Also typed."
	Identify(rev, typed)
	got := fmt.Sprint(c.SourcesOf(typed))
	want := fmt.Sprintf("[{%s edited [A1] [GCM-TS1-000003]} {%s edited [] []}]", rev.Paragraphs[op1].ID, rev.Paragraphs[op2].ID)
	if got != want {
		t.Errorf("sources: %s, want %s", got, want)
	}
}
