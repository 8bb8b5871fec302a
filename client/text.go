package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/compact-un/compact/wire"
)

// TextPath is /v1/processes/{id}/text with further segments, each escaped.
func TextPath(processID string, segments ...string) string {
	return ProcessPath(processID, append([]string{"text"}, segments...)...)
}

// Latest, as a revision, asks for the latest revision the caller may read.
const Latest = -1

// revisionQuery is ?revision=N, or nothing for Latest.
func revisionQuery(revision int) url.Values {
	q := url.Values{}
	if revision != Latest {
		q.Set("revision", strconv.Itoa(revision))
	}
	return q
}

// raw reads path in a format other than JSON (wire.FormatAKN…), as the
// API wrote it.
func (c *Client) raw(ctx context.Context, path string, query url.Values, format string) ([]byte, error) {
	query.Set("format", format)
	var b []byte
	_, err := c.send(ctx, request{method: http.MethodGet, path: path, query: query}, &b)
	return b, err
}

// TextRevision is a revision of a process's negotiated text, paragraph by
// paragraph.
func (c *Client) TextRevision(ctx context.Context, id string, revision int) (wire.TextRevision, error) {
	return get[wire.TextRevision](ctx, c, TextPath(id, "revisions", strconv.Itoa(revision)), nil)
}

// ExportTextRevision is a revision in Akoma Ntoso (wire.FormatAKN) or
// Markdown (wire.FormatMarkdown).
func (c *Client) ExportTextRevision(ctx context.Context, id string, revision int, format string) ([]byte, error) {
	return c.raw(ctx, TextPath(id, "revisions", strconv.Itoa(revision)), url.Values{}, format)
}

// Compilation is a revision (or Latest) with every proposal on it.
func (c *Client) Compilation(ctx context.Context, id string, revision int) (wire.TextCompilation, error) {
	return get[wire.TextCompilation](ctx, c, TextPath(id, "compilation"), revisionQuery(revision))
}

// ExportCompilation is the compilation as the rolling text
// (wire.FormatText) or in Akoma Ntoso (wire.FormatAKN).
func (c *Client) ExportCompilation(ctx context.Context, id string, revision int, format string) ([]byte, error) {
	return c.raw(ctx, TextPath(id, "compilation"), revisionQuery(revision), format)
}

// TextAmendments is a page of the amendments on a revision (or Latest);
// limit 0 is the API's default page.
func (c *Client) TextAmendments(ctx context.Context, id string, revision, offset, limit int) (wire.TextAmendmentPage, error) {
	q := revisionQuery(revision)
	if offset > 0 {
		q.Set("offset", strconv.Itoa(offset))
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	return get[wire.TextAmendmentPage](ctx, c, TextPath(id, "amendments"), q)
}

// TextAmendment is one amendment with its positions.
func (c *Client) TextAmendment(ctx context.Context, id, amendment string) (wire.TextAmendment, error) {
	return get[wire.TextAmendment](ctx, c, TextPath(id, "amendments", amendment), nil)
}

// ExportTextAmendment is an amendment in Akoma Ntoso.
func (c *Client) ExportTextAmendment(ctx context.Context, id, amendment string) ([]byte, error) {
	return c.raw(ctx, TextPath(id, "amendments", amendment), url.Values{}, wire.FormatAKN)
}

// ParagraphHistory is a paragraph through the revisions.
func (c *Client) ParagraphHistory(ctx context.Context, id, paragraph string) (wire.ParagraphHistory, error) {
	return get[wire.ParagraphHistory](ctx, c, TextPath(id, "paragraphs", paragraph), nil)
}

// Informed lists the paragraph changes a contribution informed.
func (c *Client) Informed(ctx context.Context, tracking string) (wire.Informed, error) {
	return get[wire.Informed](ctx, c, "/v1/contributions/"+url.PathEscape(tracking)+"/informed", nil)
}

// TextDiff compares two revisions word by word.
func (c *Client) TextDiff(ctx context.Context, id string, from, to int) (wire.TextDiff, error) {
	q := url.Values{"from": {strconv.Itoa(from)}, "to": {strconv.Itoa(to)}}
	return get[wire.TextDiff](ctx, c, TextPath(id, "diff"), q)
}

// Search finds query's words in a process's contributions, paragraphs
// and amendments; limit 0 is the API's default page.
func (c *Client) Search(ctx context.Context, id, query string, offset, limit int) (wire.SearchPage, error) {
	q := url.Values{"q": {query}}
	if offset > 0 {
		q.Set("offset", strconv.Itoa(offset))
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	return get[wire.SearchPage](ctx, c, ProcessPath(id, "search"), q)
}
