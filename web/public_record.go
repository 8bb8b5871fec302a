package web

import (
	"net/http"
	"strconv"

	"github.com/compact-un/compact/wire"
)

type recordView struct {
	processRef
	Verify  wire.Verification
	Entries []wire.RecordEntry
	Titles  map[string]string
	After   int64
	Next    int64
}

// recordPageSize is how many entries a page of the record shows.
const recordPageSize = 100

func (s *Site) recordPage(r *http.Request) (*Page, error) {
	id := r.PathValue("id")
	p, proc, err := s.pageOn(r, id)
	if err != nil {
		return nil, err
	}
	a, ctx := s.api(r), r.Context()
	v := recordView{processRef: refOf(proc), Titles: map[string]string{}}
	if v.Verify, err = a.VerifyRecord(ctx, id); err != nil {
		return nil, err
	}
	v.After, _ = strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	page, err := a.Record(ctx, id, max(v.After, 0), recordPageSize)
	if err != nil {
		return nil, err
	}
	v.Entries, v.Next = page.Entries, page.Next
	stages, err := a.Stages(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, st := range stages {
		p.localStage(proc.TemplateID, &st.Spec)
		v.Titles[st.Spec.ID] = st.Spec.Title
	}
	p.Title = p.T("record.title", "process", proc.Title)
	p.Data = v
	return p, nil
}
