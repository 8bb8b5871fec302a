package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/wire"
)

// maxECOSOCList bounds the list's CSV: the NGO Branch's 6,494 organisations
// take well under a mebibyte.
const maxECOSOCList = 4 << 20

// putECOSOCList replaces the list of organisations in consultative status
// that claims are checked against. A malformed file is refused with every
// bad line, and nothing is stored.
func (s *Server) putECOSOCList(w http.ResponseWriter, r *http.Request) {
	const op = "api.putECOSOCList"
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "text/csv" {
		s.fail(w, r, process.Errorf(op, process.Unsupported, "send the list as text/csv"))
		return
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxECOSOCList))
	if err != nil {
		s.fail(w, r, bodyError(op, err))
		return
	}
	entries, err := process.ParseECOSOCList(data)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := process.ECOSOCList{LoadedAt: time.Now().UTC(), LoadedBy: principal(r.Context()).Party, Entries: entries}
	if err := s.store.PutECOSOCList(r.Context(), l); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, wire.ECOSOCListLoaded{Entries: len(entries), LoadedAt: l.LoadedAt, LoadedBy: l.LoadedBy})
}

// ecosocMatch checks a claim of ECOSOC status against the list loaded
// last; with none loaded, nothing verifies it.
func (s *Server) ecosocMatch(ctx context.Context, name string) (process.ECOSOCMatch, error) {
	l, err := s.store.ECOSOCList(ctx)
	if process.KindOf(err) == process.NotFound {
		return process.ECOSOCMatch{Result: process.MatchNone,
			Note: "ECOSOC status claimed, but no list of organisations in consultative status is loaded: the application goes on a non-objection basis"}, nil
	}
	if err != nil {
		return process.ECOSOCMatch{}, err
	}
	return l.Match(name), nil
}

// reviewECOSOC records the office's review of a near match: confirmed,
// the application is approved; refused, it waits for the next list.
func (s *Server) reviewECOSOC(w http.ResponseWriter, r *http.Request) {
	const op = "api.reviewECOSOC"
	var body wire.ECOSOCReviewRequest
	if err := decodeJSON(w, r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	if body.Match == nil {
		s.fail(w, r, process.AtField("/match", process.Errorf(op, process.Invalid,
			"match is required: true if the applicant is the organisation on the list, false if not")))
		return
	}
	list, err := listParam(r, op)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id := r.PathValue("id")
	p, err := s.store.GetProcess(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, stage, _, err := s.accreditationWindows(r.Context(), id, list, time.Now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	at, err := s.processNow(r.Context(), op, p, time.Now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pr := principal(r.Context())
	a, err := s.store.ReviewECOSOCMatch(r.Context(), id, list, r.PathValue("party"), *body.Match,
		store.Act{By: pr.Party, Role: string(pr.Role), At: at, StageID: stage})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

// accreditationWindows reports whether one of the windows of the process's
// accreditation stages that keep list takes applications at now, and
// otherwise their dates, each in its venue's time zone, for the refusal;
// and the stage whose window is open, or the first such stage, where the
// record puts a check of ECOSOC status.
func (s *Server) accreditationWindows(ctx context.Context, processID string, list process.AccreditationList, now time.Time) (bool, string, string, error) {
	stages, err := s.store.ListStages(ctx, processID)
	if err != nil {
		return false, "", "", err
	}
	var dates []string
	first := ""
	for _, sg := range stages {
		if sg.Spec.Kind != process.AccreditationWindow || sg.Spec.List.Or() != list {
			continue
		}
		if first == "" {
			first = sg.Spec.ID
		}
		opens, closes := sg.Spec.Start.Time, sg.Spec.Finish()
		if w := sg.Spec.Window; w != nil {
			opens, closes = w.Opens.Time, w.Closes.Time
		}
		win, err := s.store.GetWindow(ctx, processID, sg.Spec.ID)
		switch {
		case err == nil:
			if win.TakesAt(now) {
				return true, sg.Spec.ID, "", nil
			}
			opens, closes = win.OpensAt, win.ClosesAt
		case process.KindOf(err) != process.NotFound: // not published yet: the template's dates
			return false, "", "", err
		}
		dates = append(dates, fmt.Sprintf("%s from %s to %s", sg.Spec.ID, stageInstant(sg.Spec, opens), stageDeadline(sg.Spec, closes)))
	}
	if len(dates) == 0 {
		return false, "", fmt.Sprintf("the process has no special accreditation window for its %s list", list), nil
	}
	return false, first, "the special accreditation window runs " + strings.Join(dates, "; "), nil
}

// objectionsClosed refuses an objection to an application, on the list sg
// keeps, whose batch was decided, saying when its non-objection period
// ended, where the workflow could only say that no list is under
// circulation.
func (s *Server) objectionsClosed(ctx context.Context, sg process.Stage, party string) error {
	processID := sg.ProcessID
	a, err := s.store.GetApplication(ctx, processID, sg.Spec.List, party)
	if process.KindOf(err) == process.NotFound || (err == nil && (a.List == "" || a.DecidedAt.IsZero())) {
		return nil // the workflow judges
	}
	if err != nil {
		return err
	}
	ended, err := s.periodEnds(ctx, processID, a.List)
	if err != nil {
		return err
	}
	return process.Errorf("api.object", process.Conflict, "the non-objection period of list %s ended at %s: %s's application is %s",
		a.List, stageDeadline(sg.Spec, ended), party, a.State)
}

// periodEnds is when the non-objection period of a process's list ends, as
// its circulation was recorded; zero when it is not recorded.
func (s *Server) periodEnds(ctx context.Context, processID, list string) (time.Time, error) {
	entries, err := s.store.Entries(ctx, processID, 0)
	if err != nil {
		return time.Time{}, err
	}
	for _, e := range entries {
		if e.Event != "list.circulated" {
			continue
		}
		var d struct {
			List  string    `json:"list"`
			Until time.Time `json:"until"`
		}
		if json.Unmarshal([]byte(e.Data), &d) == nil && d.List == list {
			return d.Until, nil
		}
	}
	return time.Time{}, nil
}
