package process_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/compact-un/compact/process"
)

func FuzzParseTemplate(f *testing.F) {
	files, err := filepath.Glob("templates/*.json")
	if err != nil {
		f.Fatal(err)
	}
	files = append(files, "testdata/minimal.json")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	_, mini := minimal(f)
	for _, s := range []string{
		"", "null", "{}", "[]", `"gcm"`,
		string(mini) + "}",
		string(mini) + " {}",
		string(bytes.Replace(mini, []byte(`"2020-01-06"`), []byte(`"2020-01-06T10:00:00.123456789+02:00"`), 1)),
		string(bytes.Replace(mini, []byte(`"2020-01-06"`), []byte(`"9999-12-31T23:00:00-01:00"`), 1)),
		string(bytes.Replace(mini, []byte(`"milestone"`), []byte(`"conference"`), 1)),
		string(bytes.Replace(mini, []byte(`"reminderDays": [7, 1]`), []byte(`"reminderDays": []`), 1)),
	} {
		f.Add([]byte(s))
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		tpl, err := process.ParseTemplate(data)
		if err != nil {
			if k := process.KindOf(err); k != process.Invalid {
				t.Fatalf("error of kind %v, want invalid: %v", k, err)
			}
			return
		}
		out, err := json.Marshal(tpl)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		again, err := process.ParseTemplate(out)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", out, err)
		}
		normalize(tpl)
		normalize(again)
		if !reflect.DeepEqual(tpl, again) {
			t.Fatalf("round trip changed the template:\n%+v\n%+v", tpl, again)
		}
		if out2, _ := json.Marshal(again); !bytes.Equal(out, out2) {
			t.Fatalf("re-marshal differs:\n%s\n%s", out, out2)
		}
	})
}

// normalize makes empty slices nil: JSON leaves both out alike.
func normalize(t *process.Template) {
	if len(t.Sources) == 0 {
		t.Sources = nil
	}
	if len(t.Rules.ReminderDays) == 0 {
		t.Rules.ReminderDays = nil
	}
	for i := range t.Phases {
		for j := range t.Phases[i].Stages {
			s := &t.Phases[i].Stages[j]
			if len(s.Documents) == 0 {
				s.Documents = nil
			}
			if s.Outcome != nil && len(s.Outcome.NoVotes) == 0 {
				s.Outcome.NoVotes = nil
			}
		}
	}
}
