package browser

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/internal/stacktest"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/workflows"
)

// negotiationForms walks the negotiation's forms: a Member State amends a
// paragraph (refused once, then accepted) and sees its amendments; the
// PGA's office opens the decision and the mark forms.
func negotiationForms(t *testing.T, lang string) {
	id, code := stacktest.UniqueID("negotiation-" + lang)
	tmpl := stacktest.Template(id, code, time.Now())
	tmpl.Phases[1].Stages[0].Start = tmpl.Phases[0].Stages[0].Start // the zero draft is due now
	tmpl.Groups = []process.Group{{ID: "EU", Name: "European Union", Members: []string{"DEU", "FRA", "ITA"},
		Source: "a test's", AsOf: process.Date{Time: time.Now().UTC().Truncate(24 * time.Hour)}}}
	launch(t, map[string]any{"templateBody": tmpl, "id": id, "code": code})
	await(t, "the zero draft's stage to run", func() bool {
		_, err := stack.Temporal.DescribeWorkflowExecution(context.Background(), workflows.StageWorkflowID(id, "zero"), "")
		return err == nil
	})
	call(t, "POST", "/v1/processes/"+id+"/stages/zero/drafts", token(t, api.PGAOffice, "PGA"),
		map[string]any{"revision": 0, "text": "# A compact\n\nPP1. Recalling the Charter,\n\n1. We commit to act.\n"}, http.StatusCreated)
	await(t, "the amendment window to open", func() bool {
		w, err := stack.Store.GetWindow(context.Background(), id, "zero")
		return err == nil && w.TakesAt(time.Now())
	})
	base := "/processes/" + id

	b := newTab(t, lang)
	b.signIn(token(t, api.MemberState, "FRA"))
	b.open(base + "/text")
	b.check("compilation-state")
	b.submit("following a paragraph's amend link", http.StatusOK, chromedp.Click(chromedp.CSS("#main a[id^='amend-']")))
	b.check("amend-form")
	b.submit("proposing no text", http.StatusUnprocessableEntity, chromedp.Click(chromedp.CSS("#amend-submit")))
	b.check("amend-refused")
	b.do("typing the new wording", chromedp.SendKeys(chromedp.CSS("#text"), "We commit to act together."))
	b.submit("proposing", http.StatusOK, chromedp.Click(chromedp.CSS("#amend-submit")))
	b.check("amendment")
	amendment := eval[string](b, `location.pathname`)
	b.submit("supporting", http.StatusOK, chromedp.Click(chromedp.CSS("#position-submit")))
	b.open("/my/text")
	b.check("my-amendments")

	o := newTab(t, lang)
	o.signIn(token(t, api.PGAOffice, "PGA"))
	o.open(amendment)
	o.check("amendment-decision")
	o.open(base + "/text")
	o.submit("following a paragraph's mark link", http.StatusOK, chromedp.Click(chromedp.CSS("#main a[id^='mark-link-']")))
	o.check("mark-form")
}
