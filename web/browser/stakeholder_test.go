package browser

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/internal/lang"
	"github.com/compact-un/compact/internal/stacktest"
	"github.com/compact-un/compact/process"
)

// minimalPDF is an attachment the intake takes as a PDF.
var minimalPDF = []byte("%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n" +
	"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n")

// TestStakeholderContributes: an organisation signs in and applies for
// accreditation with the keyboard alone, then submits a contribution with
// an attachment, sees its tracking number and receipt, finds it among its
// own, and withdraws it. A form missing its title is refused and changes
// nothing. Walked in all six languages: it is the only walk of the
// stakeholder's pages (TestPagesAccessible walks the others').
func TestStakeholderContributes(t *testing.T) {
	for _, lang := range lang.All {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			b := newTab(t, lang)
			id, code := stacktest.UniqueID("stakeholder-" + lang)
			launch(t, map[string]any{"templateBody": stacktest.Template(id, code, time.Now()), "id": id, "code": code})
			await(t, "the window to open", func() bool { return recorded(id, "ts1", "window.opened") })
			party := "org-" + id
			b.signIn(token(t, api.Stakeholder, party))

			// Apply, in consultative status and on the ECOSOC list: accredited at once.
			l := process.ECOSOCList{LoadedAt: time.Now(), LoadedBy: "PGA",
				Entries: []process.ECOSOCEntry{{Name: "Migrant Rights Network", Status: process.ECOSOCSpecial, Year: 2010}}}
			if err := stack.Store.PutECOSOCList(t.Context(), l); err != nil {
				t.Fatal(err)
			}
			b.open("/processes/" + id + "/accreditation")
			b.check("accreditation-form")
			b.tabTo("#name")
			b.press("Migrant Rights Network")
			b.tabTo(`input[name="category"]`)
			b.press(" ")
			b.tabTo("#ecosoc")
			b.press(" ")
			b.tabTo("#apply-submit")
			b.submit("applying", http.StatusOK, chromedp.KeyEvent(kb.Enter))
			if state := eval[string](b, `document.querySelector("#application-state").dataset.state`); state != "approved" {
				t.Fatalf("the application is %q, want approved", state)
			}
			b.check("accreditation-approved")

			// Contribute: the open windows, then the form.
			b.open("/processes/" + id + "/contribute")
			b.check("windows")
			b.submit("following the window's link", http.StatusOK, chromedp.Click(chromedp.CSS("#contribute-ts1")))
			b.check("contribute-form")

			// Without a title the API refuses, and says why.
			b.submit("sending no title", http.StatusUnprocessableEntity, chromedp.Click(chromedp.CSS("#contribute-submit")))
			b.waitFor("the error summary to take the focus", `document.activeElement === document.querySelector("#error-summary")`)
			b.check("contribute-refused")
			if n := len(contributions(t, id)); n != 0 {
				t.Fatalf("a refused form stored %d contributions", n)
			}

			pdf := filepath.Join(t.TempDir(), "position-paper.pdf")
			if err := os.WriteFile(pdf, minimalPDF, 0o644); err != nil {
				t.Fatal(err)
			}
			b.do("filling the form",
				chromedp.SendKeys(chromedp.CSS("#title"), "Firewalls between services and immigration enforcement"),
				chromedp.SendKeys(chromedp.CSS("#body"), "Access to services without fear of immigration enforcement."),
				chromedp.SetUploadFiles(chromedp.CSS("#attachment"), []string{pdf}))
			b.submit("submitting", http.StatusOK, chromedp.Click(chromedp.CSS("#contribute-submit")))
			tracking := eval[string](b, `document.querySelector("#tracking").textContent.trim()`)
			if !regexp.MustCompile(`^` + code + `-TS1-\d{6}$`).MatchString(tracking) {
				t.Fatalf("the receipt's tracking number is %q, want %s-TS1-nnnnnn", tracking, code)
			}
			if sum := eval[string](b, `document.querySelector("#sha256").textContent.trim()`); !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(sum) {
				t.Errorf("the receipt's SHA-256 is %q", sum)
			}
			if got := contributions(t, id); len(got) != 1 || got[0] != tracking {
				t.Fatalf("the stage holds %v, want only %s", got, tracking)
			}
			b.check("receipt")

			b.open("/my/contributions")
			if !eval[bool](b, `document.querySelector("#main").textContent.includes(`+jsString(tracking)+`)`) {
				t.Errorf("%s is not among the organisation's contributions", tracking)
			}
			b.check("my-contributions")

			b.open("/my/contributions/" + tracking + "/withdraw")
			b.check("withdraw")
			b.submit("withdrawing", http.StatusOK, chromedp.Click(chromedp.CSS("#withdraw-submit")))
			if eval[string](b, `document.querySelector("#contribution-state").dataset.withdrawn`) != "true" {
				t.Error("the receipt does not say the contribution was withdrawn")
			}
			b.check("withdrawn")
		})
	}
}

// contributions are the tracking numbers of a process's contributions that
// an observer sees.
func contributions(t *testing.T, processID string) []string {
	t.Helper()
	var list struct {
		Contributions []struct {
			Tracking string `json:"tracking"`
		} `json:"contributions"`
	}
	if err := json.Unmarshal(call(t, "GET", "/v1/processes/"+processID+"/contributions", "", nil, http.StatusOK), &list); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range list.Contributions {
		out = append(out, c.Tracking)
	}
	return out
}

// TestConferenceListPage: the accreditation page of a process that keeps
// a conference's list links to both lists, and the conference's is
// readable in every language.
func TestConferenceListPage(t *testing.T) {
	for _, lang := range lang.All {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			b := newTab(t, lang)
			id, code := stacktest.UniqueID("conf-list-" + lang)
			tmpl := stacktest.Template(id, code, time.Now())
			st := &tmpl.Phases[0].Stages
			for _, sg := range *st {
				if sg.ID == "acc" {
					sg.ID, sg.Code, sg.Title, sg.List = "conf-acc", "CONF", "Accreditation to the conference", process.ConferenceList
					w := *sg.Window
					sg.Window = &w
					*st = append(*st, sg)
					break
				}
			}
			launch(t, map[string]any{"templateBody": tmpl, "id": id, "code": code})
			b.signIn(token(t, api.Stakeholder, "org-"+id))
			b.open("/processes/" + id + "/accreditation?list=conference")
			if list := eval[string](b, `document.querySelector("#accreditation-list").dataset.list`); list != "conference" {
				t.Fatalf("the page shows the %q list", list)
			}
			b.check("accreditation-conference")
		})
	}
}
