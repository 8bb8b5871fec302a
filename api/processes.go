package api

import "net/http"

func (s *Server) processRoutes(mux *http.ServeMux) {
}
