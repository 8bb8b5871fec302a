package api

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/wire"
)

// exportPage is how many contributions or record entries an export reads
// at a time: an export of any length streams in bounded memory.
const exportPage = 100

// exportRoutes serve the open data: downloads anyone may take and check,
// each streamed as it is read.
func (s *Server) exportRoutes(mux *http.ServeMux) {
	s.handle(mux, "GET /v1/processes/{id}/contributions.csv", s.exportContributions(newCSVRows, "text/csv; charset=utf-8; header=present", ".csv"))
	s.handle(mux, "GET /v1/processes/{id}/contributions.json", s.exportContributions(newJSONRows, "application/json", ".json"))
	s.handle(mux, "GET /v1/processes/{id}/record.csv", s.exportRecord)
}

var exportColumns = []string{"tracking", "stage", "party", "role", "title", "body", "submittedAt", "sha256", "withdrawn"}

func exportRowOf(c process.Contribution, published bool) wire.ExportRow {
	row := wire.ExportRow{Tracking: c.Tracking, Stage: c.StageID, Party: c.Party, Role: c.Role, Title: c.Title,
		SubmittedAt: c.SubmittedAt, SHA256: c.SHA256, Withdrawn: c.Withdrawn}
	if published {
		row.Body = &c.Body
	}
	return row
}

// rowEncoder writes export rows in one format.
type rowEncoder interface {
	row(wire.ExportRow) error
	end() error
}

type csvRows struct {
	w      sheetWriter
	header bool
}

func newCSVRows(w io.Writer) rowEncoder { return &csvRows{w: sheetWriter{csv.NewWriter(w)}} }

func (c *csvRows) row(r wire.ExportRow) error {
	if !c.header {
		c.header = true
		if err := c.w.Write(exportColumns); err != nil {
			return err
		}
	}
	var body string
	if r.Body != nil {
		body = *r.Body
	}
	return c.w.Write([]string{r.Tracking, r.Stage, r.Party, r.Role, r.Title, body,
		r.SubmittedAt.Format(time.RFC3339Nano), r.SHA256, strconv.FormatBool(r.Withdrawn)})
}

func (c *csvRows) end() error {
	if !c.header {
		if err := c.w.Write(exportColumns); err != nil {
			return err
		}
	}
	c.w.Flush()
	return c.w.Error()
}

type jsonRows struct {
	w   io.Writer
	sep string // before the next row
}

func newJSONRows(w io.Writer) rowEncoder { return &jsonRows{w: w, sep: "[\n"} }

func (j *jsonRows) row(r wire.ExportRow) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(j.w, j.sep); err != nil {
		return err
	}
	j.sep = ",\n"
	_, err = j.w.Write(b)
	return err
}

func (j *jsonRows) end() error {
	closing := "\n]\n"
	if j.sep == "[\n" {
		closing = "[]\n"
	}
	_, err := io.WriteString(j.w, closing)
	return err
}

// exportContributions streams every contribution of a process, page by
// page, as any observer may see it.
func (s *Server) exportContributions(encoder func(io.Writer) rowEncoder, contentType, ext string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, processID := r.Context(), r.PathValue("id")
		if _, err := s.store.GetProcess(ctx, processID); err != nil {
			s.fail(w, r, err)
			return
		}
		f := store.ContributionFilter{ProcessID: processID, Limit: exportPage}
		page, err := s.store.ListContributions(ctx, f)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		download(w, contentType, processID+"-contributions"+ext)
		enc := encoder(w)
		vis := s.visibility(ctx, Principal{Role: Observer})
		flush := http.NewResponseController(w)
		for {
			for _, c := range page {
				published, err := vis.visible(c)
				if err == nil {
					err = enc.row(exportRowOf(c, published))
				}
				if err != nil {
					s.abort(r, err)
				}
			}
			if len(page) < f.Limit {
				break
			}
			_ = flush.Flush()
			f.After = page[len(page)-1].Tracking
			if page, err = s.store.ListContributions(ctx, f); err != nil {
				s.abort(r, err)
			}
		}
		if err := enc.end(); err != nil {
			s.abort(r, err)
		}
	}
}

// exportRecord streams a process's hash-chained record, with each entry's
// key: with it, a reader can recompute every hash (process.RecordEntry.ComputeHash).
func (s *Server) exportRecord(w http.ResponseWriter, r *http.Request) {
	processID := r.PathValue("id")
	if _, err := s.store.GetProcess(r.Context(), processID); err != nil {
		s.fail(w, r, err)
		return
	}
	// The first page is read before the answer starts, so that a failing
	// store still gets a problem; the rest stream, a page at a time.
	entries, err := s.store.EntriesPage(r.Context(), processID, 0, exportPage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	download(w, "text/csv; charset=utf-8; header=present", processID+"-record.csv")
	cw := sheetWriter{csv.NewWriter(w)}
	_ = cw.Write([]string{"seq", "key", "stage", "event", "at", "data", "prevHash", "hash"})
	for len(entries) > 0 {
		for _, e := range entries {
			_ = cw.Write([]string{strconv.FormatInt(e.Seq, 10), e.Key, e.StageID, e.Event,
				e.At.UTC().Format(time.RFC3339Nano), e.Data, e.PrevHash, e.Hash})
		}
		if len(entries) < exportPage {
			break
		}
		if entries, err = s.store.EntriesPage(r.Context(), processID, entries[len(entries)-1].Seq, exportPage); err != nil {
			s.abort(r, err)
			return
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		s.abort(r, err)
	}
}

// formulaStarts are the first characters that make a spreadsheet read a
// cell as a formula (OWASP, "CSV Injection"), and the quote that marks a
// cell so read, so that taking the mark off is exact.
const formulaStarts = "=+-@\t\r'"

// sheetWriter writes CSV that is safe to open in a spreadsheet: a cell
// starting with one of formulaStarts gets a single quote before it, so
// that it shows as text and runs nothing. A reader gets the stored text,
// which receipts' hashes cover, by removing one leading quote from every
// cell that has one (docs/record-verification.md).
type sheetWriter struct{ *csv.Writer }

func (w sheetWriter) Write(cells []string) error {
	safe := make([]string, len(cells))
	for i, c := range cells {
		safe[i] = c
		if c != "" && strings.ContainsRune(formulaStarts, rune(c[0])) {
			safe[i] = "'" + c
		}
	}
	return w.Writer.Write(safe)
}

// download sets the headers of a file to save.
func download(w http.ResponseWriter, contentType, filename string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
	w.Header().Set("X-Content-Type-Options", "nosniff")
}

// abort ends a response whose status has gone out: the client sees a broken
// transfer rather than a short file that looks whole.
func (s *Server) abort(r *http.Request, err error) {
	s.log.Warn("export cut short", zap.String("path", r.URL.Path), zap.Error(err))
	panic(http.ErrAbortHandler)
}
