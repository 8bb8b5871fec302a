package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/internal/lang"
	"github.com/compact-un/compact/internal/stacktest"
)

// TestTextPages walks an observer's pages of a negotiated text: the
// compilation, a paragraph's history, the word-level diff and the search.
func TestTextPages(t *testing.T) {
	ts := newTestSite(t)
	id := ts.launch("textpages")
	b := ts.browser()
	base := "/processes/" + id

	wantPage(t, "overview links", b.get(base), http.StatusOK, `href="`+base+`/text" id="nav-text"`, `href="`+base+`/search" id="nav-search"`)
	wantPage(t, "no text yet", b.get(base+"/text"), http.StatusOK, `id="text-none"`)

	f := stacktest.PutText(t, stack.Store, id)
	// The latest an observer reads is revision 1, with B1 on OP3; MAR withdrew.
	wantPage(t, "compilation", b.get(base+"/text"), http.StatusOK,
		"<h1>Compilation text, revision 1</h1>", `id="proposal-B1"`, `[insert after: <ins lang="en" dir="auto">We commit to dignified return and readmission.</ins>]`,
		`<span class="proponents"><bdi>EGY</bdi></span>`, "support 1, oppose 0, reservations 0",
		`href="`+base+`/text/diff?from=0&amp;to=1" id="text-diff-previous"`,
		`href="`+base+`/text/paragraphs/`+f.OP1+`" id="history-`+f.OP1+`"`)
	wantPage(t, "compilation 0", b.get(base+"/text?revision=0"), http.StatusOK,
		`<span class="alt">Alt 1:</span> [<ins lang="en" dir="auto">This Compact rests on the Charter of the United Nations.</ins>]`,
		`<bdi>MEX</bdi>, <bdi>ARG</bdi>`, "support 1, oppose 1, reservations 0", `<span class="outcome">incorporated</span>`,
		`[<del>delete</del>]`, `<span class="outcome">not retained</span>: <span lang="en">no support</span>`,
		`id="mark-`+f.OP2+`">[agreed ad ref]</span>`, "USA: The Charter needs no restating.",
		`«<del lang="en" dir="auto">save lives</del>» → «<ins lang="en" dir="auto">save lives at sea</ins>»`)
	wantPage(t, "an unissued draft's compilation", b.get(base+"/text?revision=2"), http.StatusNotFound)
	wantPage(t, "no revision", b.get(base+"/text?revision=first"), http.StatusBadRequest, `id="problem"`)

	wantPage(t, "history", b.get(base+"/text/paragraphs/"+f.OP1), http.StatusOK,
		"<h1>History of paragraph 1</h1>", `id="version-0"`, `id="version-1"`, `<del><span class="visually-hidden">Removed: </span>Global</del>`,
		`<bdi class="amendment">A1</bdi>`, `<bdi class="contribution">`+f.MEX+`</bdi>`)
	if p := b.get(base + "/text/paragraphs/" + f.OP1); strings.Contains(p.Body, `id="version-2"`) {
		t.Error("an observer sees the unissued revision in a paragraph's history")
	}
	wantPage(t, "history of no paragraph", b.get(base+"/text/paragraphs/r9-9"), http.StatusNotFound)

	wantPage(t, "diff", b.get(base+"/text/diff"), http.StatusOK, "<h1>Revision 0 and revision 1, word by word</h1>",
		"4 kept, 2 edited, 0 moved, 0 added, 0 removed", `<ins><span class="visually-hidden">Added: </span>at sea</ins>`, `id="change-`+f.OP3+`"`)
	wantPage(t, "diff to a draft", b.get(base+"/text/diff?from=1&to=2"), http.StatusNotFound)
	cofac := ts.browser()
	cofac.signIn(ts.token(api.CoFacilitator, "MEX", id))
	wantPage(t, "diff to a draft, co-facilitator", cofac.get(base+"/text/diff?from=1&to=2"), http.StatusOK,
		"1 moved", `<li class="change-kept change-moved"`)

	wantPage(t, "search form", b.get(base+"/search"), http.StatusOK, `<form method="get" action="`+base+`/search" id="search-form" role="search">`)
	found := b.get(base + "/search?q=remittances")
	wantPage(t, "search", found, http.StatusOK, "<mark>remittances</mark>", "<bdi>"+f.MEX+"</bdi>", "Results 1 to 1")
	if strings.Contains(found.Body, f.BRA) {
		t.Error("the search shows BRA's withdrawn contribution to an observer")
	}
	wantPage(t, "search, a later page", b.get(base+"/search?q=Charter&offset=1"), http.StatusOK, "Results 2 to ", `id="search-prev"`)
	wantPage(t, "search, nothing found", b.get(base+"/search?q=xylophone"), http.StatusOK, "Nothing found.")
	wantPage(t, "search, empty", b.get(base+"/search?q=+"), http.StatusUnprocessableEntity, `id="error-summary"`, "Type the words to look for.")
	wantPage(t, "search, 10 kB", b.get(base+"/search?q="+url.QueryEscape(strings.Repeat("migration ", 1024))),
		http.StatusRequestEntityTooLarge, `id="problem"`, "at most 512")

	// Every language, and Arabic right to left with the symbols and IDs
	// isolated. The diff and the search are costly reads: Arabic only,
	// within an observer's burst.
	for _, lang := range lang.All {
		paths := []string{base + "/text?revision=0", base + "/text/paragraphs/" + f.OP1}
		if lang == "ar" {
			paths = append(paths, base+"/text/diff", base+"/search?q=Charter")
		}
		for _, path := range paths {
			wantPage(t, path+" in "+lang, b.get(path, "Accept-Language", lang), http.StatusOK, `<html lang="`+lang+`" dir="`+locales[lang].Dir+`">`,
				"<bdi>")
		}
	}
}
