package web

import (
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"
)

// The timeline's geometry, in SVG user units: the viewBox is tlWidth wide,
// and the SVG scales to its column.
const (
	tlWidth    = 1000.0
	tlLabels   = 290.0 // the stage titles' column
	tlAxis     = 46.0  // the axis' band at the top
	tlRow      = 24.0
	tlBar      = 14.0
	tlMaxTicks = 12
	// tlLabelWidth is what a stage title's line may take of its column;
	// a longer title wraps onto more lines, each tlLine below the last,
	// and its row grows to hold them: no title is cut, in any language.
	tlLabelWidth = tlLabels - 24
	tlLine       = 14.0
	// tlChar and tlWideChar are the width of a character of the axis'
	// 12px labels, and of a Chinese one, for spacing the ticks.
	tlChar     = 6.6
	tlWideChar = 12.0
)

// drawTimeline draws the phases and stages on a time axis as inline SVG:
// a bar per stage from its first to its last day, its contribution window
// as a thin line below, today as a vertical line, and a stage that was
// rescheduled as a dashed outline where it was first scheduled with an
// arrow to where it is now. In Arabic, time runs from right to left, the
// titles' column on the right. Each stage is a <g data-stage="<id>">. Today is
// p.Now, the process's time. The SVG is an image with a title and a
// description; the page's table holds the same facts. today reports
// whether the axis reaches today.
func drawTimeline(p *Page, phases []phaseView) (svg template.HTML, today bool) {
	var rows []stageRow // by phase, each phase's in timeline order
	for _, ph := range phases {
		rows = append(rows, ph.Rows...)
	}
	if len(rows) == 0 {
		return "", false
	}
	// The axis spans every day drawn: stages, windows, first schedules.
	from, to := rows[0].Spec.Start.Time, rows[0].Spec.Finish()
	span := func(t time.Time) {
		if t.IsZero() {
			return
		}
		if t.Before(from) {
			from = t
		}
		if t.After(to) {
			to = t
		}
	}
	for _, r := range rows {
		span(r.Spec.Start.Time)
		span(r.Spec.Finish())
		span(r.MovedFrom)
		if w := r.Spec.Window; w != nil {
			span(w.Opens.Time)
			span(w.Closes.Time)
		}
	}
	pad := max(to.Sub(from)/40, 24*time.Hour)
	from, to = from.Add(-pad), to.Add(pad)
	rtl := p.Dir == "rtl"
	x := func(t time.Time) float64 {
		ltr := tlLabels + (tlWidth-tlLabels-10)*float64(t.Sub(from))/float64(to.Sub(from))
		if rtl {
			return tlWidth - ltr
		}
		return ltr
	}
	// span is a bar from a to b, left to right whichever way time runs.
	bar := func(a, b float64) (left, width float64) { return min(a, b), max(a-b, b-a, 3) }
	// The titles' column: its text starts at the reading side's edge, and
	// reads in the page's direction (the SVG is ltr for its geometry).
	labelX, labelDir := 8.0, ""
	if rtl {
		labelX, labelDir = tlWidth-8, ` direction="rtl"`
	}

	// Each stage's title, in lines that fit the column, and its row's height.
	labels := make([][]string, len(rows))
	height := tlAxis + float64(len(phases))*tlRow + 10
	for i, r := range rows {
		labels[i] = wrapLabel(r.Spec.Title, tlLabelWidth)
		height += rowHeight(len(labels[i]))
	}

	var b strings.Builder
	esc := template.HTMLEscapeString
	moved := 0
	for _, r := range rows {
		if !r.MovedFrom.IsZero() {
			moved++
		}
	}
	first, last := rows[0], rows[0]
	for _, r := range rows {
		if r.Spec.Start.Before(first.Spec.Start.Time) {
			first = r
		}
		if r.Spec.Start.After(last.Spec.Start.Time) {
			last = r
		}
	}
	desc := p.T("process.timeline.desc", "stages", len(rows), "phases", len(phases), "from", p.Date(first.Spec.Start), "to", p.Date(last.Spec.Start), "moved", moved)
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %g %g" role="img" aria-labelledby="timeline-title timeline-desc" id="timeline-svg" class="timeline-svg">`, tlWidth, height)
	fmt.Fprintf(&b, `<title id="timeline-title">%s</title><desc id="timeline-desc">%s</desc>`, esc(p.T("process.timeline.title")), esc(desc))
	b.WriteString(`<defs><marker id="tl-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" class="tl-arrowhead"/></marker></defs>`)

	// The axis: a tick per month, or per 2, 3, 6 or 12 months on a long
	// process or a language with long month names, each labelled with
	// its month in the reader's language (CLDR's yMMM).
	months := int(to.Sub(from).Hours()/24/30) + 1
	perMonth := (tlWidth - tlLabels - 10) / float64(months)
	half := 0.0 // half the widest label
	first0 := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 1, 0)
	for t := first0; t.Before(to); t = t.AddDate(0, 1, 0) {
		half = max(half, labelWidth(p.loc.AxisMonth(t))/2)
	}
	step := 1
	for _, s := range []int{1, 2, 3, 6, 12, 24} {
		step = s
		if months/s <= tlMaxTicks && perMonth*float64(s) >= 2*half+8 {
			break
		}
	}
	for t := first0; t.Before(to); t = t.AddDate(0, 1, 0) {
		if (int(t.Month())-1)%step != 0 { // ticks on January and every step months after
			continue
		}
		tx := x(t)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%g" x2="%.1f" y2="%g" class="tl-grid"/>`, tx, tlAxis-8, tx, height-6)
		fmt.Fprintf(&b, `<text x="%.1f" y="%g" class="tl-tick" text-anchor="%s">%s</text>`, tx, tlAxis-14, axisAnchor(tx, half), esc(p.loc.AxisMonth(t)))
	}

	y := tlAxis
	for i, r := range rows {
		if i == 0 || r.Phase != rows[i-1].Phase {
			fmt.Fprintf(&b, `<rect x="0" y="%g" width="%g" height="%g" class="tl-phase"/>`, y, tlWidth, tlRow)
			fmt.Fprintf(&b, `<text x="%g" y="%g" class="tl-phase-label"%s>%s</text>`, labelX, y+tlRow-7, labelDir, esc(r.PhaseTitle))
			y += tlRow
		}
		rowH := rowHeight(len(labels[i]))
		mid := y + rowH/2
		fmt.Fprintf(&b, `<g data-stage="%s">`, esc(r.Spec.ID))
		fmt.Fprintf(&b, `<text x="%g" y="%g" class="tl-label"%s>`, labelX, mid+4-float64(len(labels[i])-1)*tlLine/2, labelDir)
		for j, line := range labels[i] {
			dy := 0.0
			if j > 0 {
				dy = tlLine
			}
			fmt.Fprintf(&b, `<tspan x="%g" dy="%g">%s</tspan>`, labelX, dy, esc(line))
		}
		b.WriteString(`</text>`)
		if w := r.Spec.Window; w != nil {
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%g" x2="%.1f" y2="%g" class="tl-window"/>`, x(w.Opens.Time), mid+tlBar/2+2, x(w.Closes.Time), mid+tlBar/2+2)
		}
		x0, x1 := x(r.Spec.Start.Time), x(r.Spec.Finish())
		if !r.MovedFrom.IsZero() {
			g0 := x(r.MovedFrom)
			gl, gw := bar(g0, g0+(x1-x0))
			fmt.Fprintf(&b, `<rect x="%.1f" y="%g" width="%.1f" height="%g" class="tl-ghost"/>`, gl, mid-tlBar/2, gw, tlBar)
			inward := 1.5 // the arrow leaves from inside the first schedule's start
			if rtl {
				inward = -1.5
			}
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%g" x2="%.1f" y2="%g" class="tl-move" marker-end="url(#tl-arrow)"/>`, g0+inward, mid, x0, mid)
		}
		class := "tl-bar status-" + string(r.Status)
		if !r.MovedFrom.IsZero() {
			class += " tl-moved"
		}
		bl, bw := bar(x0, x1)
		fmt.Fprintf(&b, `<rect x="%.1f" y="%g" width="%.1f" height="%g" rx="2" class="%s"><title>%s</title></rect>`,
			bl, mid-tlBar/2, bw, tlBar, class, esc(r.Spec.Title+": "+p.Date(r.Spec.Start)+" – "+p.StageStatus(r.Status)))
		b.WriteString(`</g>`)
		y += rowH
	}

	today = !p.Now.Before(from) && p.Now.Before(to)
	if today {
		nx := x(p.Now)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%g" x2="%.1f" y2="%g" class="tl-today"/>`, nx, tlAxis-6, nx, height-4)
		fmt.Fprintf(&b, `<text x="%.1f" y="%g" class="tl-today-label" text-anchor="%s">%s</text>`, nx, tlAxis-1, axisAnchor(nx, labelWidth(p.T("process.timeline.today"))/2), esc(p.T("process.timeline.today")))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()), today // every text in it is escaped above
}

// axisAnchor keeps a label half wide at x on the axis inside the SVG:
// centred on x, or ending or starting there near an edge (the left one in
// Arabic, where the axis runs to it).
func axisAnchor(x, half float64) string {
	switch {
	case x > tlWidth-half:
		return "end"
	case x < half:
		return "start"
	}
	return "middle"
}

// rowHeight is the height of a stage's row whose title takes lines.
func rowHeight(lines int) float64 { return tlRow + float64(lines-1)*tlLine }

// wrapLabel breaks a title into lines about width wide at 12px: between
// words, or between any two characters of a word too long for a line
// (Chinese has no spaces).
func wrapLabel(title string, width float64) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(title) {
		next := word
		if line != "" {
			next = line + " " + word
		}
		if labelWidth(next) <= width {
			line = next
			continue
		}
		if line != "" {
			lines = append(lines, line)
		}
		line = ""
		for _, r := range word {
			if line != "" && labelWidth(line+string(r)) > width {
				lines = append(lines, line)
				line = ""
			}
			line += string(r)
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

// labelWidth is about how wide text is on the axis, at 12px.
func labelWidth(text string) float64 {
	w := 0.0
	for _, r := range text {
		if r >= 0x2E80 { // CJK: full width
			w += tlWideChar
		} else {
			w += tlChar
		}
	}
	return w
}

// timelineNote says where today is, for a timeline whose axis does not
// reach it.
func timelineNote(p *Page, rows []stageRow) string {
	now := p.Now
	switch {
	case len(rows) == 0:
		return ""
	case now.After(slices.MaxFunc(rows, func(a, b stageRow) int { return a.Spec.Finish().Compare(b.Spec.Finish()) }).Spec.Finish()):
		return p.T("process.timeline.past")
	case now.Before(rows[0].Spec.Begins()):
		return p.T("process.timeline.future")
	}
	return ""
}
