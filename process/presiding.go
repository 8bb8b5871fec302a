package process

import (
	"slices"
	"strings"
	"time"
)

// Presiding is who chaired one of a template's meetings, as a source names
// them: the President of the General Assembly, who holds the chair by
// office, not a State's representative appointed to it (Appointment). The
// replay records it as the chair's act on the meeting's day. Without a
// Person no source found names the chair: Note says what the sources do
// say, and nothing is recorded.
type Presiding struct {
	Stage   string `json:"stage"`
	Person  string `json:"person,omitempty"`
	Office  string `json:"office,omitempty"`  // PGA
	Session int    `json:"session,omitempty"` // the General Assembly's session the President presided over
	Source  string `json:"source,omitempty"`  // where the chair is named
	Note    string `json:"note,omitempty"`
}

// Named reports whether a source names the chair: only then is the act
// recorded.
func (p Presiding) Named() bool { return p.Person != "" }

// President is a President of the General Assembly, from the opening of
// the session presided over; Until is the next session's opening, zero
// where the sources at hand do not date it.
type President struct {
	Session int
	Person  string
	From    Date
	Until   Date
	Source  string
}

// Presidents are the Presidents of the General Assembly the templates name
// (process/templates/SOURCES.md).
var Presidents = []President{
	{Session: 71, Person: "Peter Thomson", From: mustDate("2016-09-13"), Until: mustDate("2017-09-12"),
		Source: "Xinhua, 14 September 2016 (en.chinagate.cn): Thomson assumed the presidency of the 71st session on Tuesday 13 September 2016; Xinhua, 12 September 2017 (chinadailyasia.com): Lajčák took over from him at the close of the 71st session"},
	{Session: 72, Person: "Miroslav Lajčák", From: mustDate("2017-09-12"),
		Source: "Wikipedia, \"Seventy-second session of the United Nations General Assembly\" (opened 12 September 2017); un.org/pga/72/biography (elected 31 May 2017 for the session from September 2017 to September 2018)"},
}

// PresidentOn is the President of the General Assembly presiding on day, as
// Presidents date them.
func PresidentOn(day time.Time) (President, bool) {
	i := slices.IndexFunc(Presidents, func(p President) bool {
		return !day.Before(p.From.Time) && (p.Until.IsZero() || day.Before(p.Until.Time))
	})
	if i < 0 {
		return President{}, false
	}
	return Presidents[i], true
}

func mustDate(s string) Date {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return Date{Time: t}
}

// validatePresiding checks the template's chairs against its stages and
// against who presided over the Assembly on the meeting's day.
func (t *Template) validatePresiding() []string {
	var bad []string
	seen := map[string]bool{}
	for _, p := range t.Presiding {
		s, ok := t.Stage(p.Stage)
		switch {
		case !ok:
			bad = append(bad, "presiding: no stage "+p.Stage)
			continue
		case seen[p.Stage]:
			bad = append(bad, "presiding: stage "+p.Stage+" is chaired twice")
		case !p.Named() && strings.TrimSpace(p.Note) == "":
			bad = append(bad, "presiding of "+p.Stage+": without a person, a note says why none is named")
		case !p.Named():
		case p.Office != PGA:
			bad = append(bad, "presiding of "+p.Stage+": office "+p.Office+", want "+PGA)
		default:
			pga, ok := PresidentOn(s.Start.Time)
			if !ok || pga.Person != p.Person || pga.Session != p.Session {
				bad = append(bad, "presiding of "+p.Stage+": "+p.Person+" did not preside over the Assembly on "+s.Start.Format(time.DateOnly))
			}
		}
		seen[p.Stage] = true
	}
	return bad
}
