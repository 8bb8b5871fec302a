package web

import (
	"net/http"
	"strings"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/text"
	"github.com/compact-un/compact/wire"
	"github.com/compact-un/compact/workflows"
)

// draftParagraphs are the draft form's paragraphs: one a line, blank
// lines left out.
func draftParagraphs(r *http.Request) []string {
	var out []string
	for _, line := range strings.Split(strings.ReplaceAll(r.PostFormValue("paragraphs"), "\r\n", "\n"), "\n") {
		if strings.TrimSpace(line) != "" {
			out = append(out, line)
		}
	}
	return out
}

// draftPreview is what a draft changes from the latest revision issued,
// word by word, before the office publishes it.
type draftPreview struct {
	From                          int // the revision compared with; -1 when none was issued: all is new
	Rows                          []previewRow
	Kept, Changed, Added, Removed int
	Text                          string // the paragraphs as typed, for the confirmation
}

// previewRow is one paragraph of the preview: kept, changed, added or
// removed, with its words.
type previewRow struct {
	Op       string // "=", "~", "+", "-" as diffRow's
	Old, New int    // paragraph numbers, 0 where it has none
	Words    []text.Span
}

// previewDraft compares the typed draft with the latest published
// revision of the process's draft, with the paragraph diff the documents'
// pages use and each changed paragraph's word diff.
func previewDraft(s *Site, r *http.Request, d *stageFormData) error {
	a := s.api(r)
	docs, err := a.Documents(r.Context(), d.Process.ID)
	if err != nil {
		return err
	}
	pv := &draftPreview{From: -1, Text: strings.Join(draftParagraphs(r), "\n")}
	for _, doc := range docs.Documents {
		if doc.Name == workflows.DraftName && doc.Published && doc.Revision > pv.From {
			pv.From = doc.Revision
		}
	}
	var old wire.Document
	if pv.From >= 0 {
		if old, err = a.Document(r.Context(), d.Process.ID, workflows.DraftName, pv.From); err != nil {
			return err
		}
	}
	for _, row := range sideBySide(process.DiffParagraphs(old.Paragraphs, draftParagraphs(r))) {
		pr := previewRow{Op: row.Op}
		if row.Old != nil {
			pr.Old = row.Old.Old
		}
		if row.New != nil {
			pr.New = row.New.New
		}
		switch row.Op {
		case "=":
			pv.Kept++
			pr.Words = []text.Span{{Op: "=", Text: row.New.Text}}
		case "~":
			pv.Changed++
			pr.Words = text.WordDiff(row.Old.Text, row.New.Text)
		case "+":
			pv.Added++
			pr.Words = []text.Span{{Op: "+", Text: row.New.Text}}
		default:
			pv.Removed++
			pr.Words = []text.Span{{Op: "-", Text: row.Old.Text}}
		}
		pv.Rows = append(pv.Rows, pr)
	}
	d.Preview = pv
	return nil
}
