package api

import "net/http"

func (s *Server) documentRoutes(mux *http.ServeMux) {
}
