package process_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/compact-un/compact/process"
)

// templateTimeline is a built-in template's stages as the read model
// holds them when the process starts.
func templateTimeline(t *testing.T, tpl *process.Template) []process.Stage {
	t.Helper()
	var out []process.Stage
	seq := 0
	for _, ph := range tpl.Phases {
		for _, s := range ph.Stages {
			seq++
			out = append(out, process.Stage{ProcessID: tpl.ID, Phase: ph.ID, Seq: seq, Spec: s, Status: process.Scheduled})
		}
	}
	return out
}

func stageOf(t *testing.T, timeline []process.Stage, id string) process.Stage {
	t.Helper()
	i := slices.IndexFunc(timeline, func(s process.Stage) bool { return s.Spec.ID == id })
	if i < 0 {
		t.Fatalf("no stage %s", id)
	}
	return timeline[i]
}

// The built-in templates are in their natural order: no stage, where it
// stands, draws a note.
func TestSequenceTemplatesInOrder(t *testing.T) {
	all, err := process.Templates()
	if err != nil {
		t.Fatal(err)
	}
	for _, tpl := range all {
		tl := templateTimeline(t, tpl)
		for _, sg := range tl {
			if notes := process.Sequence(tl, "", sg.Spec); len(notes) > 0 {
				t.Errorf("%s: %s as the template has it: %+v", tpl.ID, sg.Spec.ID, notes)
			}
		}
	}
}

func TestSequenceNotes(t *testing.T) {
	all, err := process.Templates()
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(all, func(tp *process.Template) bool { return tp.ID == "gcm-2018" })
	tl := templateTimeline(t, all[i])
	for _, c := range []struct {
		name  string
		phase string
		stage process.StageSpec
		want  []string // kind:other
	}{
		{"zero draft before the consultations end", "", stageOf(t, tl, "zero-draft").Spec.Moved(on("2017-11-07"), process.Date{}),
			[]string{"phase:rc-asia-pacific", "phase:puerto-vallarta", "phase:msh-2017-12"}},
		{"revision before the round it follows", "", stageOf(t, tl, "rev1").Spec.Moved(on("2018-03-13"), process.Date{}),
			[]string{"follows:round2"}},
		{"revision on its round's last day", "", stageOf(t, tl, "rev1").Spec.Moved(on("2018-03-15"), process.Date{}), nil},
		{"round after the conference", "", stageOf(t, tl, "round6").Spec.Moved(on("2018-12-10"), process.Date{}),
			[]string{"follows:agreed-text", "phase:marrakech"}},
		{"a round during the one before, and before the revision on it", "", stageOf(t, tl, "round3").Spec.Moved(on("2018-03-14"), process.Date{}),
			[]string{"follows:round2", "follows:rev1"}},
		{"an added session overlapping another", "consultations",
			process.StageSpec{ID: "ts7", Kind: process.ThematicSession, Title: "Thematic session 7", Start: on("2017-10-13"), End: on("2017-10-14")},
			[]string{"overlap:ts6"}},
		{"an added round before the zero draft", "negotiations",
			process.StageSpec{ID: "round0", Kind: process.NegotiationRound, Start: on("2017-12-05"), End: on("2017-12-05")},
			[]string{"phase:puerto-vallarta", "phase:msh-2017-12"}},
		{"a milestone is a fact", "", stageOf(t, tl, "sg-report").Spec.Moved(on("2017-05-01"), process.Date{}), nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, n := range process.Sequence(tl, c.phase, c.stage) {
				got = append(got, string(n.Kind)+":"+n.Other)
				if want := n.Kind != process.SequenceOverlap && strings.HasPrefix(n.Detail, n.StageID+" "); n.After != want {
					t.Errorf("note %+v: after %v", n, n.After)
				}
				if n.StageID != c.stage.ID || n.Detail == "" || n.OtherEnd.IsZero() {
					t.Errorf("note %+v", n)
				}
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("notes %v, want %v", got, c.want)
			}
		})
	}
}
