package api

import (
	_ "embed"
	"net/http"
)

// openAPIDocument describes every /v1 route. It is written by hand;
// TestOpenAPIMatchesRoutes holds it to what the mux serves.
//
//go:embed openapi.json
var openAPIDocument []byte

func serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPIDocument)
}

// handle registers h for pattern behind allow (roles as there: none means
// everyone) and the route's limits and notes the pattern, so that the OpenAPI document and the
// authorization matrix can be checked against what is served.
func (s *Server) handle(mux *http.ServeMux, pattern string, h http.HandlerFunc, roles ...Role) {
	mux.Handle(pattern, s.allow(s.limit(pattern, h), roles...))
	s.patterns = append(s.patterns, pattern)
}
