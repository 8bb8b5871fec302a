package api

import "net/http"

func (s *Server) contributionRoutes(mux *http.ServeMux) {
}
