package web

import (
	"net/http"
	"testing"
	"time"

	"github.com/compact-un/compact/internal/lang"
	"github.com/compact-un/compact/internal/stacktest"
)

// TestCalendarOfEveryProcess shows two processes' meetings together, month
// by month, and flags the thematic sessions both hold in Geneva on the same
// days, in every language.
func TestCalendarOfEveryProcess(t *testing.T) {
	t.Parallel()
	ts := newTestSite(t)
	start := time.Now().AddDate(41, 0, 0).Truncate(24 * time.Hour) // no other test's process meets then
	var ids []string
	for range 2 {
		id, code := stacktest.UniqueID("calendars")
		ids = append(ids, ts.launchTemplate(stacktest.Template(id, code, start)))
	}
	b := ts.browser()
	path := "/calendar?from=" + start.Format(time.DateOnly) + "&to=" + start.AddDate(0, 2, 0).Format(time.DateOnly)
	wantPage(t, "calendar", b.get(path), http.StatusOK, "Calendar of every process", "webcal://", "/v1/calendar.ics",
		`id="meeting-`+ids[0]+`-ts1"`, `id="meeting-`+ids[1]+`-round1"`, "Test process "+ids[1],
		"Same venue, same days as Thematic session 1 (Test process "+ids[0]+")")
	for _, lang := range lang.All {
		wantPage(t, "calendar in "+lang, b.get(path, "Accept-Language", lang), http.StatusOK,
			`<html lang="`+lang+`" dir="`+locales[lang].Dir+`">`, locales[lang].T("calendars.title"))
	}
	wantPage(t, "a bad span", b.get("/calendar?from=soon"), http.StatusBadRequest, `id="problem"`)
	wantPage(t, "home", b.get("/"), http.StatusOK, `href="/calendar"`)
}
