package web

import (
	"net/http"
	"net/url"

	"github.com/compact-un/compact/client"
	"github.com/compact-un/compact/wire"
)

// reviewECOSOC posts the office's verdict on a near match, from the
// circulate page that lists the claims in review: confirmed, the applicant
// is accredited; refused, it waits for the next list.
func (s *Site) reviewECOSOC(w http.ResponseWriter, r *http.Request) {
	var circulate stageForm
	for _, f := range stageForms {
		if f.name == "circulate" {
			circulate = f
		}
	}
	p, ok := s.read(w, r, s.stageFormPage(circulate), rolePGAOffice)
	if !ok {
		return
	}
	p.Form = NewForm(r)
	id, party := r.PathValue("id"), r.PostFormValue("party")
	if party == "" {
		s.notFound(w, r)
		return
	}
	var body wire.ECOSOCReviewRequest
	switch r.PostFormValue("match") {
	case "true", "false":
		match := r.PostFormValue("match") == "true"
		body.Match = &match
	}
	// The claim is on the application to the list the stage keeps.
	path := client.ProcessPath(id, "applications", party, "ecosoc")
	if l := p.Data.(*stageFormData).Stage.Spec.List; l != "" {
		path += "?" + url.Values{"list": {string(l)}}.Encode()
	}
	if err := s.api(r).Call(r.Context(), http.MethodPost, path, body, nil); err != nil {
		s.refuse(w, "office_circulate", p, err, "match")
		return
	}
	done := "ecosoc-refused"
	if *body.Match {
		done = "ecosoc-confirmed"
	}
	seeOther(w, r, officePath(id)+"?"+url.Values{"done": {done}, "party": {party}}.Encode())
}
