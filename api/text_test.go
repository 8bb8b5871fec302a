package api

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/client"
	"github.com/compact-un/compact/internal/stacktest"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/store/storetest"
	"github.com/compact-un/compact/text"
	"github.com/compact-un/compact/wire"
)

// putTextFixture stores a process and its negotiated text
// (stacktest.PutText).
func putTextFixture(t *testing.T) stacktest.Text {
	t.Helper()
	id, code := uniqueID("text")
	if err := stack.store.PutProcess(context.Background(), process.Process{ID: id, TemplateID: "test", Title: "Text " + id,
		Code: code, Phase: "negotiations", Status: "running", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	return stacktest.PutText(t, stack.store, id)
}

// newUnlimitedAPIServer is the API without its rate limits, for tests
// that read more than a client may.
func newUnlimitedAPIServer(t testing.TB) *apiServer {
	t.Helper()
	s := New(Options{Temporal: stack.temporal, Store: stack.store, Links: testLinks, Limits: Limits{NoRateLimits: true}})
	hs := httptest.NewServer(traffic.Check(s.Handler()))
	t.Cleanup(hs.Close)
	return &apiServer{t: t, hs: hs, s: s}
}

// wellFormed reads an XML document through.
func wellFormed(t *testing.T, b []byte) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, b)
		}
	}
}

func wantDetail(t *testing.T, what string, res response, status int, detail string) {
	t.Helper()
	wantStatus(t, what, res, status)
	var p wire.Problem
	res.JSON(t, &p)
	if !strings.Contains(res.Header.Get("Content-Type"), "application/problem+json") || !strings.Contains(p.Detail, detail) {
		t.Errorf("%s: %s %q, want problem+json saying %q", what, res.Header.Get("Content-Type"), p.Detail, detail)
	}
}

func TestTextRevisions(t *testing.T) {
	a := newAPIServer(t)
	f := putTextFixture(t)
	pga := a.token(PGAOffice, "PGA", "")
	base := "/v1/processes/" + f.ID + "/text/revisions/"

	res := a.do("GET", base+"1", "", nil)
	wantStatus(t, "revision 1", res, http.StatusOK)
	one := jsonOf[wire.TextRevision](t, res)
	rev := one
	if rev.Number != 1 || rev.IssuedAt.IsZero() || rev.Language != "en" || len(rev.Paragraphs) != 6 {
		t.Fatalf("revision 1: %+v", rev)
	}
	if p := rev.Paragraphs[2]; p.ID != f.OP1 || p.Label != "OP1" || p.Text != "This Compact rests on the Charter of the United Nations." {
		t.Errorf("OP1 of revision 1: %+v", p)
	}
	if i := slices.IndexFunc(rev.Sources, func(s text.Source) bool { return s.ID == f.OP1 }); i < 0 ||
		!slices.Equal(rev.Sources[i].Amendments, []string{"A1"}) || !slices.Equal(rev.Sources[i].Contributions, []string{f.MEX}) {
		t.Errorf("sources of revision 1: %+v", rev.Sources)
	}

	// Revision 2 is a draft: not found but by those who serve the process.
	wantStatus(t, "unissued draft, observer", a.do("GET", base+"2", "", nil), http.StatusNotFound)
	res = a.do("GET", base+"2", pga, nil)
	wantStatus(t, "unissued draft, PGA", res, http.StatusOK)
	rev = jsonOf[wire.TextRevision](t, res)
	if !rev.IssuedAt.IsZero() || rev.Paragraphs[2].ID != f.OP2 {
		t.Errorf("revision 2 for the PGA: %+v", rev)
	}

	// Markdown and Akoma Ntoso give the same paragraphs back.
	res = a.do("GET", base+"1?format=markdown", "", nil)
	wantStatus(t, "markdown", res, http.StatusOK)
	md, err := text.Parse(string(res.Body))
	if err != nil || len(md.Paragraphs) != 6 || md.Paragraphs[2].Text != "This Compact rests on the Charter of the United Nations." {
		t.Errorf("markdown read back: %v %+v\n%s", err, md, res.Body)
	}
	for _, how := range []struct{ query, accept string }{{"?format=akn", ""}, {"", "application/akn+xml"}} {
		res = a.do("GET", base+"1"+how.query, "", nil, "Accept", how.accept)
		wantStatus(t, "akn "+how.query+how.accept, res, http.StatusOK)
		if ct := res.Header.Get("Content-Type"); ct != "application/akn+xml" {
			t.Errorf("akn: Content-Type %q", ct)
		}
		wellFormed(t, res.Body)
		back, err := text.ImportRevision(res.Body)
		if err != nil {
			t.Fatalf("ImportRevision: %v\n%s", err, res.Body)
		}
		if back.Number != 1 || len(back.Paragraphs) != 6 {
			t.Fatalf("read back: %+v", back)
		}
		for i, p := range back.Paragraphs {
			if q := one.Paragraphs[i]; p.ID != q.ID || p.Text != q.Text || p.Num != q.Num {
				t.Errorf("paragraph %d read back %+v, want %+v", i, p, q)
			}
		}
		if !bytes.Contains(res.Body, []byte("/akn/un/doc/draft/unga/")) {
			t.Errorf("no AKN4UN work IRI in\n%s", res.Body)
		}
	}

	wantDetail(t, "format", a.do("GET", base+"1?format=pdf", "", nil), http.StatusBadRequest, `format="pdf"`)
	wantDetail(t, "revision", a.do("GET", base+"first", "", nil), http.StatusBadRequest, `revision="first"`)
	wantStatus(t, "revision 9", a.do("GET", base+"9", "", nil), http.StatusNotFound)
	wantStatus(t, "no process", a.do("GET", "/v1/processes/no-such-process/text/revisions/0", "", nil), http.StatusNotFound)
}

func TestTextCompilation(t *testing.T) {
	a := newAPIServer(t)
	f := putTextFixture(t)
	cofac := a.token(CoFacilitator, "MEX", f.ID)
	path := "/v1/processes/" + f.ID + "/text/compilation"

	res := a.do("GET", path+"?revision=0", "", nil)
	wantStatus(t, "compilation 0", res, http.StatusOK)
	c := jsonOf[wire.TextCompilation](t, res)
	op1 := c.Entries[2]
	if op1.Paragraph.ID != f.OP1 || len(op1.Proposals) != 2 {
		t.Fatalf("OP1 of compilation 0: %+v", op1)
	}
	a1, a2 := op1.Proposals[0], op1.Proposals[1]
	if a1.Amendment.ID != "A1" || a1.Alt != 1 || a1.Decision.Outcome != text.Incorporated ||
		!slices.Equal(a1.Support, []string{"ARG"}) || !slices.Equal(a1.Oppose, []string{"USA"}) ||
		a2.Amendment.ID != "A2" || a2.Alt != 0 || !slices.Equal(a2.Reservation, []string{"CHN"}) {
		t.Errorf("OP1's proposals: %+v", op1.Proposals)
	}
	if e := c.Entries[3]; e.Status != text.AgreedAdRef || e.Note != "subject to capitals" {
		t.Errorf("OP2's mark: %+v", e)
	}

	// The latest: revision 1 for an observer, the draft for the co-facilitator.
	res = a.do("GET", path, "", nil)
	wantStatus(t, "latest, observer", res, http.StatusOK)
	c = jsonOf[wire.TextCompilation](t, res)
	if c.Revision != 1 || len(c.Entries[5].Proposals) != 1 || c.Entries[5].Proposals[0].Amendment.ID != "B1" {
		t.Errorf("latest compilation for an observer: revision %d, %+v", c.Revision, c.Entries)
	}
	res = a.do("GET", path, cofac, nil)
	c = jsonOf[wire.TextCompilation](t, res)
	if c.Revision != 2 {
		t.Errorf("latest compilation for the co-facilitator: revision %d", c.Revision)
	}

	res = a.do("GET", path+"?revision=0&format=text", "", nil)
	wantStatus(t, "text", res, http.StatusOK)
	for _, want := range []string{
		"    Alt 1: [This Compact rests on the Charter of the United Nations.] — MEX, ARG (A1; support 1, oppose 1, reservations 0) — incorporated\n",
		"    [delete] — USA (A2; support 0, oppose 0, reservations 1) — not retained: no support\n",
		"2. [agreed ad ref] We commit",
	} {
		if !strings.Contains(string(res.Body), want) {
			t.Errorf("rolling text lacks %q:\n%s", want, res.Body)
		}
	}
	res = a.do("GET", path+"?revision=0&format=akn", "", nil)
	wantStatus(t, "akn", res, http.StatusOK)
	wellFormed(t, res.Body)
	if !bytes.Contains(res.Body, []byte(`eId="amdt_A1"`)) {
		t.Errorf("the compilation's AKN has no proposal A1:\n%s", res.Body)
	}

	wantStatus(t, "draft's compilation, observer", a.do("GET", path+"?revision=2", "", nil), http.StatusNotFound)
	wantDetail(t, "revision=-1", a.do("GET", path+"?revision=-1", "", nil), http.StatusBadRequest, `revision="-1"`)
	wantDetail(t, "format=markdown", a.do("GET", path+"?format=markdown", "", nil), http.StatusBadRequest, "want json or akn or text")
	id, _ := uniqueID("textless")
	if err := stack.store.PutProcess(context.Background(), process.Process{ID: id, TemplateID: "test", Title: id, Code: "X",
		Phase: "negotiations", Status: "running", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	wantDetail(t, "no text yet", a.do("GET", "/v1/processes/"+id+"/text/compilation", "", nil), http.StatusNotFound, "no revision of its text yet")
}

func TestTextAmendments(t *testing.T) {
	a := newAPIServer(t)
	f := putTextFixture(t)
	path := "/v1/processes/" + f.ID + "/text/amendments"

	res := a.do("GET", path+"?revision=0&limit=2", "", nil)
	wantStatus(t, "page 1", res, http.StatusOK)
	page := jsonOf[wire.TextAmendmentPage](t, res)
	if len(page.Amendments) != 2 || !page.More || page.Amendments[0].ID != "A1" || len(page.Amendments[0].Positions) != 2 {
		t.Fatalf("page 1: %+v", page)
	}
	res = a.do("GET", path+"?revision=0&limit=2&offset=2", "", nil)
	page = jsonOf[wire.TextAmendmentPage](t, res)
	if len(page.Amendments) != 1 || page.More || page.Amendments[0].ID != "A3" {
		t.Errorf("page 2: %+v", page)
	}
	res = a.do("GET", path, "", nil)
	page = jsonOf[wire.TextAmendmentPage](t, res)
	if page.Revision != 1 || len(page.Amendments) != 1 || page.Amendments[0].ID != "B1" {
		t.Errorf("the latest's: %+v", page)
	}

	res = a.do("GET", path+"/A1", "", nil)
	wantStatus(t, "A1", res, http.StatusOK)
	am := jsonOf[wire.TextAmendment](t, res)
	if am.Decision.Outcome != "incorporated" || !slices.Equal(am.CoSponsors, []string{"ARG"}) || len(am.Positions) != 2 ||
		am.Positions[1].Statement != "The Charter needs no restating." {
		t.Errorf("A1: %+v", am)
	}
	res = a.do("GET", path+"/B1", "", nil)
	am = jsonOf[wire.TextAmendment](t, res)
	if len(am.CoSponsors) != 0 || !slices.Equal(am.Withdrawn, []string{"MAR"}) || am.Decision.Outcome != "pending" {
		t.Errorf("B1: %+v", am)
	}
	res = a.do("GET", path+"/A3?format=akn", "", nil)
	wantStatus(t, "A3 akn", res, http.StatusOK)
	wellFormed(t, res.Body)
	if !bytes.Contains(res.Body, []byte("<amendment")) || !bytes.Contains(res.Body, []byte("save lives at sea")) {
		t.Errorf("A3 in AKN:\n%s", res.Body)
	}

	wantDetail(t, "unknown", a.do("GET", path+"/Z9", "", nil), http.StatusNotFound, `no amendment "Z9"`)
	wantStatus(t, "not on revision 1", a.do("GET", path+"/A1?revision=1", "", nil), http.StatusNotFound)
	wantDetail(t, "limit", a.do("GET", path+"?limit=0", "", nil), http.StatusBadRequest, "limit")
	wantDetail(t, "offset", a.do("GET", path+"?offset=-3", "", nil), http.StatusBadRequest, `offset="-3"`)
}

func TestParagraphHistoryAndInformed(t *testing.T) {
	a := newAPIServer(t)
	f := putTextFixture(t)
	pga := a.token(PGAOffice, "PGA", "")
	path := "/v1/processes/" + f.ID + "/text/paragraphs/" + f.OP1

	res := a.do("GET", path, "", nil)
	wantStatus(t, "history", res, http.StatusOK)
	h := jsonOf[wire.ParagraphHistory](t, res)
	if len(h.Versions) != 2 {
		t.Fatalf("OP1 for an observer: %+v", h.Versions)
	}
	v := h.Versions[1]
	if v.Revision != 1 || v.Change != text.Edited || !slices.Equal(v.Amendments, []string{"A1"}) ||
		!slices.Equal(v.Contributions, []string{f.MEX}) || len(v.Words) == 0 {
		t.Errorf("OP1 in revision 1: %+v", v)
	}
	res = a.do("GET", path, pga, nil)
	h = jsonOf[wire.ParagraphHistory](t, res)
	if len(h.Versions) != 3 || h.Versions[2].Paragraph.Num != "2" {
		t.Errorf("OP1 for the PGA: %+v", h.Versions)
	}
	wantStatus(t, "unknown paragraph", a.do("GET", "/v1/processes/"+f.ID+"/text/paragraphs/r7-7", "", nil), http.StatusNotFound)

	res = a.do("GET", "/v1/contributions/"+f.MEX+"/informed", "", nil)
	wantStatus(t, "informed", res, http.StatusOK)
	inf := jsonOf[wire.Informed](t, res)
	if inf.Withheld || len(inf.Paragraphs) != 2 || inf.Paragraphs[0].Revision != 0 || inf.Paragraphs[1].Paragraph.ID != f.OP1 {
		t.Errorf("what MEX's contribution informed: %+v", inf)
	}
	// BRA withdrew its contribution: withheld, as its text is, but from BRA.
	res = a.do("GET", "/v1/contributions/"+f.BRA+"/informed", "", nil)
	inf = jsonOf[wire.Informed](t, res)
	if !inf.Withheld || len(inf.Paragraphs) != 0 {
		t.Errorf("a withdrawn contribution, to an observer: %+v", inf)
	}
	res = a.do("GET", "/v1/contributions/"+f.BRA+"/informed", a.token(MemberState, "BRA", ""), nil)
	inf = jsonOf[wire.Informed](t, res)
	if inf.Withheld {
		t.Errorf("a withdrawn contribution, to its submitter: %+v", inf)
	}
	wantStatus(t, "unknown contribution", a.do("GET", "/v1/contributions/XX-TS1-999999/informed", "", nil), http.StatusNotFound)
}

func TestTextDiff(t *testing.T) {
	a := newAPIServer(t)
	f := putTextFixture(t)
	cofac := a.token(CoFacilitator, "MEX", f.ID)
	path := "/v1/processes/" + f.ID + "/text/diff"

	res := a.do("GET", path+"?from=0&to=1", "", nil)
	wantStatus(t, "0 to 1", res, http.StatusOK)
	d := jsonOf[wire.TextDiff](t, res)
	byID := map[string]text.Change{}
	for _, c := range d.Changes {
		byID[c.ID] = c
	}
	op1, op3 := byID[f.OP1], byID[f.OP3]
	if op1.Op != text.Edited || op3.Op != text.Edited || !slices.Contains(op3.Words, text.Span{Op: "+", Text: "at sea"}) ||
		byID[f.Title].Op != text.Kept {
		t.Errorf("0 to 1: %+v", d.Changes)
	}

	res = a.do("GET", path+"?from=1&to=2", cofac, nil)
	wantStatus(t, "1 to 2", res, http.StatusOK)
	d = jsonOf[wire.TextDiff](t, res)
	moved := 0
	for _, c := range d.Changes {
		if c.Moved {
			moved++
		}
	}
	if moved != 1 {
		t.Errorf("1 to 2: %d moved, want 1: %+v", moved, d.Changes)
	}
	wantStatus(t, "to a draft, observer", a.do("GET", path+"?from=1&to=2", "", nil), http.StatusNotFound)
	wantDetail(t, "no from", a.do("GET", path+"?to=1", "", nil), http.StatusBadRequest, `from=""`)
	wantDetail(t, "bad to", a.do("GET", path+"?from=0&to=x", "", nil), http.StatusBadRequest, `to="x"`)
}

func TestSearchText(t *testing.T) {
	a := newUnlimitedAPIServer(t) // more searches than an observer's burst of costly reads
	f := putTextFixture(t)
	path := "/v1/processes/" + f.ID + "/search"
	search := func(query, token string) wire.SearchPage {
		t.Helper()
		res := a.do("GET", path+"?"+query, token, nil)
		wantStatus(t, query, res, http.StatusOK)
		var p wire.SearchPage
		res.JSON(t, &p)
		return p
	}
	tracking := func(p wire.SearchPage) []string {
		var out []string
		for _, h := range p.Hits {
			if h.Kind == store.HitContribution {
				out = append(out, h.Tracking)
			}
		}
		return out
	}

	// BRA's contribution is withdrawn: found by BRA only.
	p := search("q=remittances", "")
	if !slices.Equal(tracking(p), []string{f.MEX}) {
		t.Errorf("remittances, observer: %+v", p.Hits)
	}
	if !slices.ContainsFunc(p.Hits[0].Snippet, func(fr wire.Fragment) bool { return fr.Match && strings.EqualFold(fr.Text, "remittances") }) {
		t.Errorf("snippet without its match marked: %+v", p.Hits[0].Snippet)
	}
	if got := tracking(search("q=remittances", a.token(MemberState, "BRA", ""))); len(got) != 2 {
		t.Errorf("remittances, BRA: %v", got)
	}

	// A word only the unissued draft holds.
	if p := search("q=zanzibar", ""); len(p.Hits) != 0 {
		t.Errorf("zanzibar, observer: %+v", p.Hits)
	}
	if p := search("q=zanzibar", a.token(PGAOffice, "PGA", "")); len(p.Hits) != 1 || p.Hits[0].Kind != store.HitParagraph || p.Hits[0].Revision != 2 {
		t.Errorf("zanzibar, PGA: %+v", p.Hits)
	}

	// Pages.
	all := search("q=Charter", "")
	if len(all.Hits) < 3 {
		t.Fatalf("Charter: %+v", all.Hits)
	}
	first, second := search("q=Charter&limit=1", ""), search("q=Charter&limit=1&offset=1", "")
	if len(first.Hits) != 1 || !first.More || second.Offset != 1 || len(second.Hits) != 1 || second.Hits[0].Label+second.Hits[0].Kind == first.Hits[0].Label+first.Hits[0].Kind {
		t.Errorf("pages: %+v then %+v", first, second)
	}

	wantDetail(t, "empty q", a.do("GET", path+"?q=", "", nil), http.StatusBadRequest, "q is empty")
	wantDetail(t, "no q", a.do("GET", path, "", nil), http.StatusBadRequest, "q is empty")
	wantDetail(t, "10 kB q", a.do("GET", path+"?q="+url.QueryEscape(strings.Repeat("migration ", 1024)), "", nil),
		http.StatusRequestEntityTooLarge, "q is 10240 bytes: at most 512")
	wantDetail(t, "wordless q", a.do("GET", path+"?q=%21%21", "", nil), http.StatusBadRequest, "no word to look for")
	wantDetail(t, "offset", a.do("GET", path+"?q=Charter&offset=401", "", nil), http.StatusBadRequest, `offset="401"`)
	wantDetail(t, "limit", a.do("GET", path+"?q=Charter&limit=101", "", nil), http.StatusBadRequest, `limit="101"`)
	wantStatus(t, "no process", a.do("GET", "/v1/processes/no-such-process/search?q=Charter", "", nil), http.StatusNotFound)
	if costOf(textSearchPattern, httptestRequest(path)) != costlyRead || costOf(textDiffPattern, httptestRequest(path)) != costlyRead {
		t.Error("the text's search and diff are not costly reads")
	}
}

// TestSearchBounds: on a process whose issued text has 600 paragraphs of
// 4 kB that all hold the word, a page of search answers is its limit of
// hits with snippets of a few words (not megabytes of text), and a query
// one byte, one term, one hit or one offset over a bound is refused with a
// problem saying which bound.
func TestSearchBounds(t *testing.T) {
	a := newUnlimitedAPIServer(t)
	id, code := uniqueID("large")
	ctx := t.Context()
	if err := stack.store.PutProcess(ctx, process.Process{ID: id, TemplateID: "test", Title: "Large " + id,
		Code: code, Phase: "negotiations", Status: "running", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	draft := storetest.LargeDraft(t, 600)
	if _, err := stack.store.PutRevision(ctx, store.Revision{ProcessID: id, Revision: *draft, Language: "en", IssuedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	textBytes := 0
	for _, p := range draft.Paragraphs {
		textBytes += len(p.Text)
	}
	path := "/v1/processes/" + id + "/search?q="
	for _, tt := range []struct {
		query    string
		hits     int
		maxBytes int
	}{
		{"Charter", 20, 20 << 10},
		{"Charter&limit=100", 100, 100 << 10},
		{"Charter&limit=100&offset=400", 100, 100 << 10},
	} {
		res := a.do("GET", path+tt.query, "", nil)
		page := jsonOf[wire.SearchPage](t, res)
		if res.Status != http.StatusOK || len(page.Hits) != tt.hits || !page.More || len(res.Body) > tt.maxBytes {
			t.Errorf("%s: %d, %d hits in %d bytes, more %t; want %d hits in at most %d bytes of the text's %d, and more",
				tt.query, res.Status, len(page.Hits), len(res.Body), page.More, tt.hits, tt.maxBytes, textBytes)
		}
	}

	longest := "Charter " + strings.Repeat("x", store.MaxQueryBytes-len("Charter "))
	wantStatus(t, "a query of 512 bytes", a.do("GET", path+url.QueryEscape(longest), "", nil), http.StatusOK)
	wantDetail(t, "a query of 513 bytes", a.do("GET", path+url.QueryEscape(longest+"x"), "", nil),
		http.StatusRequestEntityTooLarge, "q is 513 bytes: at most 512")
	terms := strings.Repeat("Charter ", store.MaxQueryTerms)
	wantStatus(t, "16 terms", a.do("GET", path+url.QueryEscape(terms), "", nil), http.StatusOK)
	wantDetail(t, "17 terms", a.do("GET", path+url.QueryEscape(terms+"recalls"), "", nil), http.StatusBadRequest, "17 terms: at most 16")
	wantDetail(t, "101 hits", a.do("GET", path+"Charter&limit=101", "", nil), http.StatusBadRequest, `limit="101": a number from 1 to 100`)
	wantDetail(t, "no hits", a.do("GET", path+"Charter&limit=0", "", nil), http.StatusBadRequest, `limit="0"`)
	wantDetail(t, "past the deepest page", a.do("GET", path+"Charter&offset=401", "", nil), http.StatusBadRequest, `offset="401"`)
}

func httptestRequest(path string) *http.Request {
	r, _ := http.NewRequest("GET", path, nil)
	return r
}

// jsonOf decodes the body into a new T: decoding into a used one would
// keep the fields the body leaves out.
func jsonOf[T any](t *testing.T, res response) T {
	t.Helper()
	var v T
	res.JSON(t, &v)
	return v
}

// TestTextClient reads the text through package client, as the pages and
// the commands do: every method of client/text.go once.
func TestTextClient(t *testing.T) {
	a := newUnlimitedAPIServer(t)
	f := putTextFixture(t)
	ctx := context.Background()
	c := &client.Client{BaseURL: a.hs.URL, HTTP: a.hs.Client()}
	pga := &client.Client{BaseURL: a.hs.URL, HTTP: a.hs.Client(), Token: a.token(PGAOffice, "PGA", "")}

	rev, err := c.TextRevision(ctx, f.ID, 0)
	if err != nil || rev.Number != 0 || rev.Paragraphs[2].ID != f.OP1 {
		t.Errorf("TextRevision: %+v, %v", rev, err)
	}
	md, err := c.ExportTextRevision(ctx, f.ID, 0, wire.FormatMarkdown)
	if err != nil || !strings.HasPrefix(string(md), "# Global compact") {
		t.Errorf("ExportTextRevision markdown: %q, %v", md, err)
	}
	if _, err := c.ExportTextRevision(ctx, f.ID, 2, wire.FormatAKN); !isStatus(err, http.StatusNotFound) {
		t.Errorf("ExportTextRevision of a draft, observer: %v", err)
	}
	if b, err := pga.ExportTextRevision(ctx, f.ID, 2, wire.FormatAKN); err != nil || !bytes.Contains(b, []byte("zanzibar")) {
		t.Errorf("ExportTextRevision of a draft, PGA: %v", err)
	}
	comp, err := c.Compilation(ctx, f.ID, client.Latest)
	if err != nil || comp.Revision != 1 {
		t.Errorf("Compilation: %+v, %v", comp, err)
	}
	plain, err := c.ExportCompilation(ctx, f.ID, 0, wire.FormatText)
	if err != nil || !strings.Contains(string(plain), "— MEX, ARG (A1;") {
		t.Errorf("ExportCompilation: %q, %v", plain, err)
	}
	page, err := c.TextAmendments(ctx, f.ID, 0, 1, 1)
	if err != nil || len(page.Amendments) != 1 || page.Amendments[0].ID != "A2" || !page.More {
		t.Errorf("TextAmendments: %+v, %v", page, err)
	}
	am, err := c.TextAmendment(ctx, f.ID, "A3")
	if err != nil || am.Decision.Outcome != "incorporated" {
		t.Errorf("TextAmendment: %+v, %v", am, err)
	}
	if b, err := c.ExportTextAmendment(ctx, f.ID, "A3"); err != nil || !bytes.Contains(b, []byte("<amendment")) {
		t.Errorf("ExportTextAmendment: %s, %v", b, err)
	}
	h, err := c.ParagraphHistory(ctx, f.ID, f.OP3)
	if err != nil || len(h.Versions) != 2 {
		t.Errorf("ParagraphHistory: %+v, %v", h, err)
	}
	inf, err := c.Informed(ctx, f.MEX)
	if err != nil || len(inf.Paragraphs) != 2 {
		t.Errorf("Informed: %+v, %v", inf, err)
	}
	d, err := c.TextDiff(ctx, f.ID, 0, 1)
	if err != nil || len(d.Changes) != 6 {
		t.Errorf("TextDiff: %+v, %v", d, err)
	}
	found, err := c.Search(ctx, f.ID, `"rests on the Charter"`, 0, 5)
	if err != nil || len(found.Hits) == 0 {
		t.Errorf("Search: %+v, %v", found, err)
	}
	if _, err := c.Search(ctx, f.ID, "", 0, 0); !isStatus(err, http.StatusBadRequest) {
		t.Errorf("Search without words: %v", err)
	}
}
