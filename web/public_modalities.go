package web

import (
	"net/http"

	"github.com/compact-un/compact/wire"
)

type modalitiesView struct {
	processRef
	Rules []wire.Modality
}

// modalitiesPage shows the rules the process runs under, each with its
// source and whether it was kept, set aside (and why) or only declared.
func (s *Site) modalitiesPage(r *http.Request) (*Page, error) {
	id := r.PathValue("id")
	p, proc, err := s.pageOn(r, id)
	if err != nil {
		return nil, err
	}
	m, err := s.api(r).Modalities(r.Context(), id)
	if err != nil {
		return nil, err
	}
	p.Title = p.T("modalities.title", "process", proc.Title)
	p.Data = modalitiesView{processRef: refOf(proc), Rules: m.Rules}
	return p, nil
}
