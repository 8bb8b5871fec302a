package api

import (
	"cmp"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/wire"
)

// Limits of a contribution. A JSON body is also bounded by maxJSONBody; a
// multipart one by maxMultipart.
const (
	maxTitle          = 1 << 10
	maxBody           = 64 << 10
	maxIdempotencyKey = 128
	maxMultipart      = maxAttachment + maxBody + maxTitle + 64<<10 // and the parts' headers
	defaultPage       = 100
	maxPage           = 500
)

func (s *Server) contributionRoutes(mux *http.ServeMux) {
	s.handle(mux, "POST /v1/processes/{id}/stages/{stage}/contributions", s.submitContribution, Stakeholder, MemberState)
	s.handle(mux, "GET /v1/processes/{id}/contributions", s.listContributions)
	s.handle(mux, "GET /v1/contributions/{tracking}", s.getContribution)
	s.handle(mux, "GET /v1/contributions/{tracking}/attachment", s.getAttachment)
	s.handle(mux, "DELETE /v1/contributions/{tracking}", s.withdrawContribution, Stakeholder, MemberState)
	s.amendmentRoutes(mux)
	s.exportRoutes(mux)
}

// submitContribution is the intake: the store checks the window and the
// submitter's accreditation and answers once the contribution is durable.
func (s *Server) submitContribution(w http.ResponseWriter, r *http.Request) {
	key, err := idempotencyKey(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.now()
	in, err := decodeContribution(w, r)
	if err != nil {
		// A window that takes nothing says so first: what the body lacks
		// would not help.
		if win, werr := s.store.GetWindow(r.Context(), r.PathValue("id"), r.PathValue("stage")); werr == nil {
			err = cmp.Or(win.RefusesContributions("api.submitContribution", now), err)
		}
		s.fail(w, r, s.closedInVenue(r.Context(), r.PathValue("id"), r.PathValue("stage"), err))
		return
	}
	p := principal(r.Context())
	submission := process.Submission{
		ProcessID: r.PathValue("id"), StageID: r.PathValue("stage"), Party: p.Party, Role: string(p.Role),
		IdempotencyKey: key, Title: in.Title, Body: in.Body, Attachment: in.Attachment, AttachmentType: in.AttachmentType,
	}
	receipt, err := s.store.Submit(r.Context(), submission, now)
	if err != nil {
		s.fail(w, r, s.closedInVenue(r.Context(), submission.ProcessID, submission.StageID, err))
		return
	}
	// A retry gets the first receipt, stamped when the first attempt was
	// stored; only a new contribution carries this request's time.
	status := http.StatusOK
	if receipt.SubmittedAt.Equal(now.UTC().Truncate(time.Microsecond)) {
		status = http.StatusCreated
	}
	s.deliverReceipt(r.Context(), receipt)
	w.Header().Set("Location", "/v1/contributions/"+receipt.Tracking)
	writeJSON(w, status, receipt)
}

// idempotencyKey is the request's Idempotency-Key: required, so that a
// client retrying after a lost answer gets its receipt instead of a
// duplicate.
func idempotencyKey(r *http.Request) (string, error) {
	const op = "api.idempotencyKey"
	key := r.Header.Get("Idempotency-Key")
	if key == "" || len(key) > maxIdempotencyKey {
		return "", process.Errorf(op, process.Invalid,
			"the Idempotency-Key header must hold 1 to %d characters, the same on every retry of one contribution", maxIdempotencyKey)
	}
	for i := range len(key) {
		if key[i] < ' ' || key[i] > '~' {
			return "", process.Errorf(op, process.Invalid, "the Idempotency-Key header must be printable ASCII")
		}
	}
	return key, nil
}

// contributionInput is a contribution as a client sends it.
type contributionInput struct {
	wire.ContributionRequest
	Attachment     []byte `json:"-"`
	AttachmentType string `json:"-"`
}

// decodeContribution reads a contribution sent as JSON {title, body} or as
// multipart/form-data with the fields title and body and an optional file
// attachment, whose type is judged by its content.
func decodeContribution(w http.ResponseWriter, r *http.Request) (contributionInput, error) {
	const op = "api.decodeContribution"
	var in contributionInput
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/json":
		if err := decodeJSON(w, r, &in); err != nil {
			return in, err
		}
	case "multipart/form-data":
		var err error
		if in, err = decodeMultipart(http.MaxBytesReader(w, r.Body, maxMultipart), params["boundary"]); err != nil {
			return in, err
		}
	default:
		return in, process.Errorf(op, process.Unsupported, "send the contribution as application/json or multipart/form-data")
	}
	return in, in.validate()
}

func decodeMultipart(body io.Reader, boundary string) (contributionInput, error) {
	const op = "api.decodeContribution"
	var in contributionInput
	if boundary == "" {
		return in, process.Errorf(op, process.Invalid, "the multipart Content-Type has no boundary")
	}
	mr := multipart.NewReader(body, boundary)
	seen := map[string]bool{}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return in, multipartError(op, err)
		}
		name := part.FormName()
		if seen[name] {
			return in, process.Errorf(op, process.Invalid, "the field %q appears twice", name)
		}
		seen[name] = true
		switch name {
		case "title":
			in.Title, err = readField(part, name, maxTitle)
		case "body":
			in.Body, err = readField(part, name, maxBody)
		case "attachment":
			// A browser sends an empty file part when no file was chosen.
			if in.Attachment, err = readPart(part, name, maxAttachment); err == nil && len(in.Attachment) > 0 {
				in.AttachmentType, err = sniffAttachment(in.Attachment)
			}
		default:
			err = process.Errorf(op, process.Invalid, "unknown field %q: want title, body and attachment", name)
		}
		if err != nil {
			return in, process.AtField("/"+name, err)
		}
	}
	return in, nil
}

// readPart reads a part of at most limit bytes (TooLarge beyond).
func readPart(part *multipart.Part, name string, limit int) ([]byte, error) {
	const op = "api.decodeContribution"
	b, err := io.ReadAll(io.LimitReader(part, int64(limit)+1))
	if err != nil {
		return nil, multipartError(op, err)
	}
	if len(b) > limit {
		return nil, process.Errorf(op, process.TooLarge, "the %s is over %d bytes", name, limit)
	}
	return b, nil
}

func readField(part *multipart.Part, name string, limit int) (string, error) {
	b, err := readPart(part, name, limit)
	return string(b), err
}

func multipartError(op string, err error) error {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return process.Errorf(op, process.TooLarge, "the body is over %d bytes", maxMultipart)
	}
	return process.Errorf(op, process.Invalid, "malformed multipart body: %v", err)
}

// validate checks the text a store takes: UTF-8 without NULs (PostgreSQL's
// text refuses them), within the limits.
func (in contributionInput) validate() error {
	const op = "api.decodeContribution"
	for _, f := range []struct {
		name, value string
		limit       int
	}{{"title", in.Title, maxTitle}, {"body", in.Body, maxBody}} {
		switch {
		case len(f.value) > f.limit:
			return process.AtField("/"+f.name, process.Errorf(op, process.TooLarge, "the %s is over %d bytes", f.name, f.limit))
		case !utf8.ValidString(f.value) || strings.IndexByte(f.value, 0) >= 0:
			return process.AtField("/"+f.name, process.Errorf(op, process.Invalid, "the %s must be UTF-8 text without NUL characters", f.name))
		}
	}
	switch {
	case strings.TrimSpace(in.Title) == "":
		return process.AtField("/title", process.Errorf(op, process.Invalid, "a contribution needs a title"))
	case strings.TrimSpace(in.Body) == "" && len(in.Attachment) == 0:
		return process.AtField("/body", process.Errorf(op, process.Invalid, "a contribution needs a body or an attachment"))
	}
	return nil
}

func viewContribution(c process.Contribution, visible bool) wire.Contribution {
	v := wire.Contribution{
		Tracking: c.Tracking, ProcessID: c.ProcessID, StageID: c.StageID, Party: c.Party, Role: c.Role, Title: c.Title,
		SubmittedAt: c.SubmittedAt, SHA256: c.SHA256, Withdrawn: c.Withdrawn, Withheld: !visible,
	}
	if visible {
		v.Body = c.Body
		if c.AttachmentSize > 0 {
			v.Attachment = &wire.Attachment{Type: c.AttachmentType, Size: c.AttachmentSize,
				Href: "/v1/contributions/" + c.Tracking + "/attachment"}
		}
	}
	return v
}

// visibility decides whether a reader sees a contribution's text: everyone
// does when its window is public and it was not withdrawn, its submitter
// always. It looks each window up once.
type visibility struct {
	s      *Server
	ctx    context.Context
	reader Principal
	public map[[2]string]bool
}

func (s *Server) visibility(ctx context.Context, reader Principal) *visibility {
	return &visibility{s: s, ctx: ctx, reader: reader, public: map[[2]string]bool{}}
}

func (v *visibility) visible(c process.Contribution) (bool, error) {
	if owns(v.reader, c) {
		return true, nil
	}
	if c.Withdrawn {
		return false, nil
	}
	k := [2]string{c.ProcessID, c.StageID}
	public, ok := v.public[k]
	if !ok {
		w, err := v.s.store.GetWindow(v.ctx, c.ProcessID, c.StageID)
		if err != nil && process.KindOf(err) != process.NotFound {
			return false, err
		}
		public = err == nil && w.Public
		v.public[k] = public
	}
	return public, nil
}

// owns reports whether p submitted c. The role counts too: a stakeholder's
// party name may look like a State's code.
func owns(p Principal, c process.Contribution) bool {
	return p.Party != "" && p.Party == c.Party && string(p.Role) == c.Role
}

func (s *Server) listContributions(w http.ResponseWriter, r *http.Request) {
	processID, q := r.PathValue("id"), r.URL.Query()
	limit, err := pageLimit(q.Get("limit"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.store.GetProcess(r.Context(), processID); err != nil {
		s.fail(w, r, err)
		return
	}
	// One more than the page tells whether a next page exists.
	cs, err := s.store.ListContributions(r.Context(), store.ContributionFilter{
		ProcessID: processID, StageID: q.Get("stage"), Party: q.Get("party"), After: q.Get("after"), Limit: limit + 1,
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := wire.ContributionPage{Contributions: make([]wire.Contribution, 0, min(len(cs), limit))}
	if len(cs) > limit {
		cs = cs[:limit]
		page.Next = cs[limit-1].Tracking
	}
	vis := s.visibility(r.Context(), principal(r.Context()))
	for _, c := range cs {
		ok, err := vis.visible(c)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		page.Contributions = append(page.Contributions, viewContribution(c, ok))
	}
	writeJSON(w, http.StatusOK, page)
}

func pageLimit(raw string) (int, error) {
	if raw == "" {
		return defaultPage, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > maxPage {
		return 0, process.Errorf("api.pageLimit", process.Invalid, "limit must be a number from 1 to %d", maxPage)
	}
	return n, nil
}

// contribution finds the path's contribution and whether the caller may
// read its text.
func (s *Server) contribution(r *http.Request) (process.Contribution, bool, error) {
	c, err := s.store.GetContribution(r.Context(), r.PathValue("tracking"))
	if err != nil {
		return c, false, err
	}
	ok, err := s.visibility(r.Context(), principal(r.Context())).visible(c)
	return c, ok, err
}

func (s *Server) getContribution(w http.ResponseWriter, r *http.Request) {
	c, ok, err := s.contribution(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, viewContribution(c, ok))
}

func (s *Server) getAttachment(w http.ResponseWriter, r *http.Request) {
	const op = "api.getAttachment"
	c, ok, err := s.contribution(r)
	switch {
	case err != nil:
	case len(c.Attachment) == 0:
		err = process.Errorf(op, process.NotFound, "contribution %s has no attachment", c.Tracking)
	case !ok:
		err = process.Errorf(op, process.Forbidden, "the attachments of contribution %s are not published", c.Tracking)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ext := map[string]string{typePDF: ".pdf", typeDOCX: ".docx", typeText: ".txt"}[c.AttachmentType]
	w.Header().Set("Content-Type", c.AttachmentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(c.Attachment)))
	// Stored content is the sender's: never let a browser render it as
	// something else, nor inline.
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": c.Tracking + ext}))
	_, _ = w.Write(c.Attachment)
}

// withdrawContribution withdraws the caller's own contribution; for the
// caller, another party's does not exist.
func (s *Server) withdrawContribution(w http.ResponseWriter, r *http.Request) {
	p := principal(r.Context())
	tracking := r.PathValue("tracking")
	c, err := s.store.GetContribution(r.Context(), tracking)
	if err == nil && !owns(p, c) {
		err = process.Errorf("api.withdraw", process.NotFound, "%s has no contribution %s", p.Party, tracking)
	}
	if err == nil {
		err = s.store.Withdraw(r.Context(), tracking, p.Party)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
