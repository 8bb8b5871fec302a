package api

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/compact-un/compact/process"
)

// maxJSONBody bounds every JSON request body.
const maxJSONBody = 1 << 20

// decodeJSON reads one JSON object into v: the body must say it is JSON
// (415), stay under the limit (413), hold no unknown field nor trailing
// data, and only valid Unicode text (400). Then process.CleanInput cleans
// its names and checks its dates, the same rules the CLI applies.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	const op = "api.decodeJSON"
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return process.Errorf(op, process.Unsupported, "send the body as application/json")
	}
	body, err := readBody(http.MaxBytesReader(w, r.Body, maxJSONBody), r.ContentLength)
	if err != nil {
		return bodyError(op, err)
	}
	// encoding/json would replace what is not Unicode with U+FFFD: the
	// record would keep a text other than the one sent.
	if !validText(body) {
		path, field := invalidTextPath(body)
		err := process.Errorf(op, process.Invalid, "%s: the text is not valid UTF-8 (or escapes a lone UTF-16 surrogate)", path)
		if field {
			return process.AtField(process.PathPointer(path), err)
		}
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return bodyError(op, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return process.Errorf(op, process.Invalid, "the body holds more than one JSON value")
	}
	return process.CleanInput(v)
}

// readBody reads body whole into one buffer of the request's
// Content-Length, where it says one, rather than growing one from 512
// bytes as io.ReadAll does, copying at each step.
func readBody(body io.Reader, length int64) ([]byte, error) {
	if length <= 0 || length > maxJSONBody {
		return io.ReadAll(body)
	}
	b := make([]byte, 0, length+1) // the last read, which finds EOF, needs room
	for {
		n, err := body.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if errors.Is(err, io.EOF) {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) { // longer than it said
			b = append(b, 0)[:len(b)]
		}
	}
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

// validText reports whether JSON text is valid UTF-8 whose \u escapes pair
// every UTF-16 surrogate.
func validText(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 >= len(b) {
			continue
		}
		if b[i+1] != 'u' {
			i++ // an escape of one character, maybe a backslash
			continue
		}
		r, ok := escapedRune(b[i:])
		switch {
		case !ok || utf16.IsSurrogate(r) && r >= 0xDC00:
			return false
		case utf16.IsSurrogate(r):
			low, ok := escapedRune(b[i+6:])
			if !ok || low < 0xDC00 || low > 0xDFFF {
				return false
			}
			i += 11
		default:
			i += 5
		}
	}
	return true
}

// escapedRune reads the \uXXXX escape b starts with.
func escapedRune(b []byte) (rune, bool) {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[2:6]), 16, 16)
	return rune(n), err == nil
}

// invalidTextPath names the first key or string value in body whose text
// validText refuses, as a path of keys and indexes ("body" where it cannot
// tell), and says whether that path is a field's value.
func invalidTextPath(body []byte) (path string, field bool) {
	type frame struct {
		array   bool
		index   int
		key     string
		wantKey bool
	}
	var stack []frame
	pathOf := func() string {
		p := ""
		for _, f := range stack {
			if f.array {
				p += "[" + strconv.Itoa(f.index) + "]"
			} else if p == "" {
				p = f.key
			} else {
				p += "." + f.key
			}
		}
		return p
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		from := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return "body", false
		}
		var top *frame
		if len(stack) > 0 {
			top = &stack[len(stack)-1]
		}
		if top != nil && top.array && tok != json.Delim(']') {
			top.index++
		}
		if s, ok := tok.(string); ok && top != nil && top.wantKey {
			top.key, top.wantKey = s, false
			if !validText(body[from:dec.InputOffset()]) {
				return pathOf() + " (a key)", false
			}
			continue
		}
		if _, ok := tok.(string); ok && !validText(body[from:dec.InputOffset()]) {
			return cmp.Or(pathOf(), "body"), pathOf() != ""
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, frame{wantKey: true})
			continue
		case json.Delim('['):
			stack = append(stack, frame{array: true, index: -1})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 && !stack[len(stack)-1].array {
			stack[len(stack)-1].wantKey = true
		}
	}
}
