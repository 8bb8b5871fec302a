package web

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/internal/lang"
	"github.com/compact-un/compact/internal/stacktest"
)

var stagePlace = regexp.MustCompile(`(?s)id="stage-place">(.*?)</dd>`)

// A reader in any of the UN's languages reads where a stage meets in that
// language: the UN's own name of Vienna, unmarked, and Compact's of
// Marrakech, marked as Compact's translation; the calendar names them so
// too.
func TestPlacesInEveryLanguage(t *testing.T) {
	ts := newTestSite(t)
	id, code := stacktest.UniqueID("places")
	startsOn := time.Now().AddDate(1, 0, 0).UTC().Format(time.DateOnly)
	pga := ts.token(api.PGAOffice, "PGA", "")
	if st := ts.apiCall("POST", "/v1/processes", pga, map[string]any{"template": "gcm-2018", "id": id, "code": code, "startsOn": startsOn}, nil); st != http.StatusCreated {
		t.Fatalf("create process %s: %d", id, st)
	}
	ts.await("process "+id+" registered", func() bool { return recorded(id, "", "process.created") })
	want := map[string][2]string{ // Vienna, Marrakech, Morocco
		"ar": {"فيينا", "مراكش، المغرب"},
		"zh": {"维也纳", "摩洛哥马拉喀什"},
		"en": {"Vienna", "Marrakech, Morocco"},
		"fr": {"Vienne", "Marrakech (Maroc)"},
		"ru": {"Вена", "Марракеш, Марокко"},
		"es": {"Viena", "Marrakech (Marruecos)"},
	}
	b := ts.browser()
	for _, l := range lang.All {
		for i, stage := range []string{"ts5", "marrakech"} {
			p := b.get("/processes/"+id+"/stages/"+stage, "Accept-Language", l)
			m := stagePlace.FindStringSubmatch(p.Body)
			if p.Status != http.StatusOK || m == nil {
				t.Fatalf("%s in %s: %d, no place", stage, l, p.Status)
			}
			got := html.UnescapeString(m[1])
			if !strings.Contains(got, ">"+want[l][i]+"</bdi>") {
				t.Errorf("%s in %s meets at %s, want %q", stage, l, got, want[l][i])
			}
			// Only Compact's own translation is marked.
			if marked := strings.Contains(got, `class="unofficial"`); marked != (l != "en" && stage == "marrakech") {
				t.Errorf("%s in %s: the place is marked unofficial: %v: %s", stage, l, marked, got)
			}
		}
		cal := html.UnescapeString(b.get("/processes/"+id+"/calendar", "Accept-Language", l).Body)
		for _, w := range want[l] {
			if !strings.Contains(cal, ">"+w+"</bdi>") {
				t.Errorf("the calendar in %s does not name %q", l, w)
			}
		}
	}
}
