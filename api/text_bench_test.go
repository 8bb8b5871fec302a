package api

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/text"
)

// BenchmarkTextDiffRoute is GET …/text/diff on two 5,000-paragraph, 2 MB
// revisions whose every paragraph is rewritten (the same IDs, no word in
// common): the worst case for the word diff, which text.Diff bounds; the
// time includes reading both revisions from the store and writing the JSON
// (about 4 MB), in process.
func BenchmarkTextDiffRoute(b *testing.B) {
	h := New(Options{Temporal: stack.temporal, Store: stack.store, Limits: Limits{NoRateLimits: true}}).Handler()
	id, code := uniqueID("textbench")
	ctx := context.Background()
	if err := stack.store.PutProcess(ctx, process.Process{ID: id, TemplateID: "test", Title: id, Code: code,
		Phase: "negotiations", Status: "running", CreatedAt: time.Now()}); err != nil {
		b.Fatal(err)
	}
	const paragraphs, words = 5000, 50 // about 400 bytes a paragraph
	for n, stem := range []string{"alpha", "omega"} {
		rev := text.Revision{Number: n, Paragraphs: make([]text.Paragraph, paragraphs)}
		for i := range rev.Paragraphs {
			w := make([]string, words)
			for j := range w {
				w[j] = fmt.Sprintf("%s%d", stem, (i*words+j)%997)
			}
			rev.Paragraphs[i] = text.Paragraph{ID: fmt.Sprintf("r0-%d", i+1), Part: text.Operative, Text: strings.Join(w, " ")}
		}
		rev.Renumber()
		if _, err := stack.store.PutRevision(ctx, store.Revision{ProcessID: id, Revision: rev, Language: "en", IssuedAt: time.Now()}); err != nil {
			b.Fatal(err)
		}
	}
	req := httptest.NewRequest("GET", "/v1/processes/"+id+"/text/diff?from=0&to=1", nil)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
}
