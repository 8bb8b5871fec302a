package api

import (
	"net/http"
	"slices"

	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

// listAccreditationLists shows each accreditation list with the batches
// circulated on it and where each stands, from the record: a batch is on
// the list its circulation names, or, recorded before circulations named
// it, on its stage's.
func (s *Server) listAccreditationLists(w http.ResponseWriter, r *http.Request) {
	const op = "api.listAccreditationLists"
	ctx, id := r.Context(), r.PathValue("id")
	stages, err := s.timeline(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	entries, err := s.store.EntriesOf(ctx, id, event.Strings(event.ListCirculated, event.ListDecided))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res := wire.AccreditationLists{Lists: []wire.AccreditationList{
		{List: process.PreparatoryList, Stages: []string{}, Batches: []wire.CirculatedBatch{}},
		{List: process.ConferenceList, Stages: []string{}, Batches: []wire.CirculatedBatch{}},
	}}
	of := func(l process.AccreditationList) *wire.AccreditationList {
		return &res.Lists[slices.IndexFunc(res.Lists, func(v wire.AccreditationList) bool { return v.List == l.Or() })]
	}
	keeps := map[string]process.AccreditationList{}
	for _, sg := range stages {
		if sg.Spec.Kind == process.AccreditationWindow {
			keeps[sg.Spec.ID] = sg.Spec.List.Or()
			l := of(sg.Spec.List)
			l.Stages = append(l.Stages, sg.Spec.ID)
		}
	}
	type at struct { // a batch's place: a pointer would not survive an append
		list process.AccreditationList
		i    int
	}
	batches := map[string]at{}
	for _, e := range entries {
		switch event.Name(e.Event) {
		case event.ListCirculated:
			d, err := event.DecodeAs[event.ListCirculatedData]([]byte(e.Data))
			if err != nil {
				s.fail(w, r, process.E(op, process.Internal, err))
				return
			}
			list := d.For
			if list == "" {
				list = keeps[e.StageID]
			}
			l := of(list)
			l.Batches = append(l.Batches, wire.CirculatedBatch{Batch: d.List, StageID: e.StageID, Applications: d.Applications,
				CirculatedAt: e.At, PeriodEnds: d.Until, Status: wire.BatchInPeriod})
			batches[e.StageID+"/"+d.List] = at{l.List, len(l.Batches) - 1}
		case event.ListDecided:
			d, err := event.DecodeAs[event.ListDecidedData]([]byte(e.Data))
			if err != nil {
				s.fail(w, r, process.E(op, process.Internal, err))
				return
			}
			if p, ok := batches[e.StageID+"/"+d.List]; ok {
				b := &of(p.list).Batches[p.i]
				b.Status, b.Approved, b.Rejected = wire.BatchDecided, len(d.Approved), len(d.Rejected)
			}
		}
	}
	writeJSON(w, http.StatusOK, res)
}
