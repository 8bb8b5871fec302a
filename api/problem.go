package api

import (
	"encoding/json"
	"errors"
	"net/http"

	"go.uber.org/zap"

	"github.com/compact-un/compact/activities"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/text"
	"github.com/compact-un/compact/wire"
)

// statusOf maps each error kind to its HTTP status: the only place that does.
var statusOf = map[process.Kind]int{
	process.Invalid:      http.StatusBadRequest,
	process.Unauthorized: http.StatusUnauthorized,
	process.Forbidden:    http.StatusForbidden,
	process.NotFound:     http.StatusNotFound,
	process.Conflict:     http.StatusConflict,
	process.TooLarge:     http.StatusRequestEntityTooLarge,
	process.Unsupported:  http.StatusUnsupportedMediaType,
	process.Rule:         http.StatusUnprocessableEntity,
	process.RateLimited:  http.StatusTooManyRequests,
	process.Unavailable:  http.StatusServiceUnavailable,
	process.Internal:     http.StatusInternalServerError,
}

// problemFor turns an error into the problem a client is shown. Internal
// errors are logged and shown without their detail.
func (s *Server) problemFor(r *http.Request, err error) wire.Problem {
	kind := activities.KindOf(err)
	status, ok := statusOf[kind]
	if !ok {
		kind, status = process.Internal, http.StatusInternalServerError
	}
	p := wire.Problem{Type: wire.ProblemTypePrefix + kind.String(), Title: http.StatusText(status), Status: status, Detail: process.Message(err)}
	for _, f := range process.Fields(err) {
		fe := wire.FieldError{Pointer: f.Pointer, Detail: process.Message(f.Err)}
		if le := (*text.LineError)(nil); errors.As(f.Err, &le) {
			fe.Line = le.Line
		}
		p.Errors = append(p.Errors, fe)
	}
	p.Rule = ruleOf(err)
	if kind == process.Internal || kind == process.Unavailable {
		s.log.Error("request failed", zap.String("method", r.Method), zap.String("path", r.URL.Path), zap.Error(err))
		p.Detail, p.Errors, p.Rule = "", nil, nil
		if kind == process.Unavailable {
			p.Detail = "a dependency is unavailable; try again shortly"
		}
	}
	return p
}

// fail writes err as problem+json.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	writeProblem(w, s.problemFor(r, err))
}

func writeProblem(w http.ResponseWriter, p wire.Problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
