package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/compact-un/compact/wire"
)

// Documents lists every revision of a process's documents, without text.
func (c *Client) Documents(ctx context.Context, id string) (wire.DocumentList, error) {
	return get[wire.DocumentList](ctx, c, ProcessPath(id, "documents"), nil)
}

// Document is one revision with its text.
func (c *Client) Document(ctx context.Context, id, name string, revision int) (wire.Document, error) {
	return get[wire.Document](ctx, c, ProcessPath(id, "documents", name, strconv.Itoa(revision)), nil)
}

// Diff compares two revisions of a document, paragraph by paragraph.
func (c *Client) Diff(ctx context.Context, id, name string, from, to int) (wire.DocumentDiff, error) {
	q := url.Values{"from": {strconv.Itoa(from)}, "to": {strconv.Itoa(to)}}
	return get[wire.DocumentDiff](ctx, c, ProcessPath(id, "documents", name, "diff"), q)
}

// PublishDraft publishes a draft stage's revision; created is false when
// the same text was published already.
func (c *Client) PublishDraft(ctx context.Context, id, stage string, in wire.DraftRequest) (wire.Document, bool, error) {
	var d wire.Document
	status, err := c.call(ctx, http.MethodPost, ProcessPath(id, "stages", stage, "drafts"), in, &d)
	return d, status == http.StatusCreated, err
}

// Record is a page of a process's record, after the entry after (0: from
// the first); limit 0 is the API's default page.
func (c *Client) Record(ctx context.Context, id string, after int64, limit int) (wire.RecordPage, error) {
	q := url.Values{}
	if after > 0 {
		q.Set("after", strconv.FormatInt(after, 10))
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	return get[wire.RecordPage](ctx, c, ProcessPath(id, "record"), q)
}

// VerifyRecord checks a process's whole record chain.
func (c *Client) VerifyRecord(ctx context.Context, id string) (wire.Verification, error) {
	return get[wire.Verification](ctx, c, ProcessPath(id, "record", "verify"), nil)
}
