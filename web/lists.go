package web

import (
	"net/http"

	"github.com/compact-un/compact/wire"
)

// listsRoutes registers the public view of the accreditation lists.
func (s *Site) listsRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /processes/{id}/lists", s.show("public_lists", s.listsPage))
}

// listsView is templates/public_lists.html's.
type listsView struct {
	processRef
	Lists []wire.AccreditationList
	Zones map[string]string // each stage's venue time zone, in which its batches' times show
}

// listsPage shows each accreditation list, the preparatory process's and
// the conference's, with the batches circulated on it and where each
// stands: what observers may follow of the non-objection procedure.
func (s *Site) listsPage(r *http.Request) (*Page, error) {
	id := r.PathValue("id")
	p, proc, err := s.pageOn(r, id)
	if err != nil {
		return nil, err
	}
	l, err := s.api(r).Lists(r.Context(), id)
	if err != nil {
		return nil, err
	}
	stages, err := s.api(r).Stages(r.Context(), id)
	if err != nil {
		return nil, err
	}
	v := listsView{processRef: refOf(proc), Lists: l.Lists, Zones: map[string]string{}}
	for _, st := range stages {
		v.Zones[st.Spec.ID] = st.Spec.TimeZone
	}
	p.Title = p.T("lists.title", "process", proc.Title)
	p.Data = v
	return p, nil
}
