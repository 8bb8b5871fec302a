package web

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

// documentsView lists a process's documents by name, each name's
// revisions in order.
type documentsView struct {
	processRef
	Groups []documentGroup
}

type documentGroup struct {
	Name      string
	Revisions []wire.Document
}

func (s *Site) documentsPage(r *http.Request) (*Page, error) {
	id := r.PathValue("id")
	p, proc, err := s.pageOn(r, id)
	if err != nil {
		return nil, err
	}
	docs, err := s.api(r).Documents(r.Context(), id)
	if err != nil {
		return nil, err
	}
	v := documentsView{processRef: refOf(proc)}
	for _, d := range docs.Documents {
		d.Title = p.localDocument(proc.TemplateID, d.StageID, d.Title)
		i := slices.IndexFunc(v.Groups, func(g documentGroup) bool { return g.Name == d.Name })
		if i < 0 {
			i = len(v.Groups)
			v.Groups = append(v.Groups, documentGroup{Name: d.Name})
		}
		v.Groups[i].Revisions = append(v.Groups[i].Revisions, d)
	}
	for _, g := range v.Groups {
		slices.SortFunc(g.Revisions, func(a, b wire.Document) int { return cmp.Compare(a.Revision, b.Revision) })
	}
	p.Title = p.T("documents.title", "process", proc.Title)
	p.Data = v
	return p, nil
}

// revisionParam is a revision as the page's URL gives it; one that is no
// number is -1, for the API to refuse in its own words.
func revisionParam(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

type documentPageView struct {
	processRef
	Doc wire.Document
}

func (s *Site) documentPage(r *http.Request) (*Page, error) {
	id, name, rev := r.PathValue("id"), r.PathValue("name"), r.PathValue("revision")
	p, proc, err := s.pageOn(r, id)
	if err != nil {
		return nil, err
	}
	v := documentPageView{processRef: refOf(proc)}
	if v.Doc, err = s.api(r).Document(r.Context(), id, name, revisionParam(rev)); err != nil {
		return nil, err
	}
	v.Doc.Title = p.localDocument(proc.TemplateID, v.Doc.StageID, v.Doc.Title)
	p.Title = v.Doc.Title
	p.Data = v
	return p, nil
}

// diffRow is one line of the side-by-side diff: a paragraph kept, removed,
// added, or changed (removed beside added).
type diffRow struct {
	Op       string // "=", "-", "+", "~"
	Old, New *process.DiffOp
}

type diffView struct {
	processRef
	Diff      wire.DocumentDiff
	Rows      []diffRow
	Revisions []int // the name's revisions, for the form
}

func (s *Site) diffPage(r *http.Request) (*Page, error) {
	id, name := r.PathValue("id"), r.PathValue("name")
	p, proc, err := s.pageOn(r, id)
	if err != nil {
		return nil, err
	}
	a := s.api(r)
	docs, err := a.Documents(r.Context(), id)
	if err != nil {
		return nil, err
	}
	v := diffView{processRef: refOf(proc)}
	for _, d := range docs.Documents {
		if d.Name == name {
			v.Revisions = append(v.Revisions, d.Revision)
		}
	}
	slices.Sort(v.Revisions)
	q := r.URL.Query()
	if v.Diff, err = a.Diff(r.Context(), id, name, revisionParam(q.Get("from")), revisionParam(q.Get("to"))); err != nil {
		return nil, err
	}
	v.Rows = sideBySide(v.Diff.Ops)
	p.Title = p.T("documents.diff.title", "name", name, "from", v.Diff.From.Revision, "to", v.Diff.To.Revision)
	p.Data = v
	return p, nil
}

// sideBySide pairs the paragraphs removed between two kept ones with those
// added there, in order, so that a changed paragraph shows beside its new
// text.
func sideBySide(ops []process.DiffOp) []diffRow {
	var rows []diffRow
	for i := 0; i < len(ops); {
		if ops[i].Op == "=" {
			rows = append(rows, diffRow{Op: "=", Old: &ops[i], New: &ops[i]})
			i++
			continue
		}
		var del, ins []*process.DiffOp
		for ; i < len(ops) && ops[i].Op != "="; i++ {
			if ops[i].Op == "-" {
				del = append(del, &ops[i])
			} else {
				ins = append(ins, &ops[i])
			}
		}
		for j := range max(len(del), len(ins)) {
			row := diffRow{Op: "~"}
			if j < len(del) {
				row.Old = del[j]
			} else {
				row.Op = "+"
			}
			if j < len(ins) {
				row.New = ins[j]
			} else {
				row.Op = "-"
			}
			rows = append(rows, row)
		}
	}
	return rows
}
