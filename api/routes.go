package api

import "net/http"

// routes registers the API under /v1. Each area's handlers live in their
// own file with its routes and the roles each admits.
func (s *Server) routes(mux *http.ServeMux) {
	s.processRoutes(mux)
	s.steeringRoutes(mux)
	s.modalityRoutes(mux)
	s.officeCalendarRoutes(mux)
	s.contributionRoutes(mux)
	s.documentRoutes(mux)
	s.negotiationRoutes(mux)
	s.subscriptionRoutes(mux)
	s.silenceRoutes(mux)
	s.textRoutes(mux)
}
