package web

import (
	"html/template"
	"net/http"
	"slices"
	"time"

	"github.com/compact-un/compact/client"
	"github.com/compact-un/compact/process"
)

// calendarMonth is one month of the calendar.
type calendarMonth struct {
	Month time.Time
	Items []calendarItem
}

// calendarItem is a stage's days or a window's deadline.
type calendarItem struct {
	Row      stageRow
	Deadline bool // the stage's contribution deadline rather than its days
	When     time.Time
}

type calendarView struct {
	*processView
	Months    []calendarMonth
	ICS       string       // the feed's path
	Subscribe template.URL // webcal:// for calendar applications that follow the feed
}

func (s *Site) calendarPage(r *http.Request) (*Page, error) {
	id := r.PathValue("id")
	p, v, err := s.loadProcess(r, id)
	if err != nil {
		return nil, err
	}
	var items []calendarItem
	for _, row := range v.Rows {
		if row.Status == process.Cancelled {
			continue
		}
		items = append(items, calendarItem{Row: row, When: row.Spec.Start.Time})
		if row.Spec.Window != nil {
			items = append(items, calendarItem{Row: row, Deadline: true, When: row.Spec.Window.Closes.Time})
		}
	}
	slices.SortStableFunc(items, func(a, b calendarItem) int { return a.When.Compare(b.When) })
	cv := calendarView{processView: v, ICS: client.ProcessPath(id, "calendar.ics"), Subscribe: template.URL("webcal://" + r.Host + client.ProcessPath(id, "calendar.ics"))} // net/http has checked Host
	for _, it := range items {
		day := it.When
		if it.Deadline { // in the month of the day it ends at its venue
			day, _ = process.EndOfDay(it.When, it.Row.Spec.Location())
		}
		m := time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, time.UTC)
		if n := len(cv.Months); n == 0 || !cv.Months[n-1].Month.Equal(m) {
			cv.Months = append(cv.Months, calendarMonth{Month: m})
		}
		cv.Months[len(cv.Months)-1].Items = append(cv.Months[len(cv.Months)-1].Items, it)
	}
	p.Title = p.T("calendar.title", "process", v.Status.Title)
	p.Data = cv
	return p, nil
}
