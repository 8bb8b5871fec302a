package wire

import "fmt"

// Problem is an RFC 9457 problem details object: every refusal of the API.
type Problem struct {
	Type   string `json:"type"` // a stable code, e.g. "urn:compact:problem:conflict"
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// Errors name the fields at fault, when the refusal is about fields of
	// the body (an extension member, RFC 9457 section 3.2).
	Errors []FieldError `json:"errors,omitempty"`
	// Rule is the rule of the process's modalities the request breaks,
	// when one does; an override naming it lets the act through.
	Rule *ProblemRule `json:"rule,omitempty"`
}

// FieldError is what is wrong with one field of the request's body.
type FieldError struct {
	Pointer string `json:"pointer"` // RFC 6901, e.g. "/stage/start"
	Detail  string `json:"detail"`
	// Line is the line of a text field at fault (1-based), when known.
	Line int `json:"line,omitempty"`
}

// ProblemTypePrefix starts every problem type; the error kind's name ends it.
const ProblemTypePrefix = "urn:compact:problem:"

func (p *Problem) Error() string {
	if p.Detail == "" {
		return fmt.Sprintf("%d %s", p.Status, p.Title)
	}
	return fmt.Sprintf("%s (%d %s)", p.Detail, p.Status, p.Title)
}
