package web

import (
	"net/http"

	"github.com/compact-un/compact/wire"
)

type dataView struct {
	processRef
	Verify wire.Verification
}

func (s *Site) dataPage(r *http.Request) (*Page, error) {
	id := r.PathValue("id")
	p, proc, err := s.pageOn(r, id)
	if err != nil {
		return nil, err
	}
	v := dataView{processRef: refOf(proc)}
	if v.Verify, err = s.api(r).VerifyRecord(r.Context(), id); err != nil {
		return nil, err
	}
	p.Title = p.T("data.title", "process", proc.Title)
	p.Data = v
	return p, nil
}
