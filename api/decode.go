package api

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/compact-un/compact/process"
)

// maxJSONBody bounds every JSON request body.
const maxJSONBody = 1 << 20

// decodeJSON reads one JSON object into v: the body must say it is JSON
// (415), stay under the limit (413), hold no unknown field nor trailing
// data (400).
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	const op = "api.decodeJSON"
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return process.Errorf(op, process.Unsupported, "send the body as application/json")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxJSONBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return bodyError(op, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return process.Errorf(op, process.Invalid, "the body holds more than one JSON value")
	}
	return nil
}

func bodyError(op string, err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return process.Errorf(op, process.TooLarge, "the body is over %d bytes", tooLarge.Limit)
	}
	if errors.Is(err, io.EOF) {
		return process.Errorf(op, process.Invalid, "the body is empty")
	}
	malformed := process.Errorf(op, process.Invalid, "malformed JSON: %v", err)
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok && te.Field != "" {
		return process.AtField("/"+strings.ReplaceAll(te.Field, ".", "/"), malformed) // a Go field path: no "/" nor "~" to escape
	}
	return malformed
}
