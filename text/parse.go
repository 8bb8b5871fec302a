package text

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/compact-un/compact/process"
)

// LineError says where and why an import was refused.
type LineError struct {
	Line   int // 1-based
	Reason string
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason) }

var (
	mdHeading    = regexp.MustCompile(`^(#{1,6})\s+(.*)$`)
	plainHeading = regexp.MustCompile(`^((?:Objective|Section|Chapter|Part|Annex|Article) (?:\d+|[IVXLC]+))\s*[:.]\s*(.*)$`)
	labelled     = regexp.MustCompile(`^(\p{L}+ (?:\d+|[IVXLC]+))\s*[:.]\s*(.*)$`)
	numbered     = regexp.MustCompile(`^(PP|OP)?(\d+)(?:\\?\.|\))(?:\s+(.*))?$`)
	lettered     = regexp.MustCompile(`^\(([a-z]+)\)(?:\s+(.*))?$`)
	bullet       = regexp.MustCompile(`^[-*+]\s`)
)

// Parse imports a draft as it is typed, in plain text or Markdown:
//
//   - "# Title" (Markdown), or a first unnumbered paragraph that does not end
//     in ",", ";" or ":" is the title;
//   - "## Heading" (any level past one), or "Objective 1: …", "Section II. …"
//     and the like on a line of their own, is a section heading;
//   - "PP1. …" is a preambular paragraph, and so is an unnumbered paragraph
//     before the first operative paragraph;
//   - "1. …", "1) …" or "OP1. …" is an operative paragraph, numbered from 1
//     through the whole text;
//   - "(a) …" is a subparagraph of the paragraph above, lettered from (a).
//
// A line that starts with one of these starts a paragraph; other lines
// continue the paragraph above unless a blank line comes first. What cannot
// be read so (a number out of sequence, an unnumbered paragraph among the
// operative ones, a bullet, a control character…) is refused with the line
// and the reason, as an Invalid or TooLarge *process.Error wrapping a
// *LineError. The revision has no IDs: Identify assigns them.
func Parse(src string) (*Revision, error) {
	const op = "text.Parse"
	if len(src) > MaxRevisionBytes {
		return nil, process.Errorf(op, process.TooLarge, "%d bytes: a draft has at most %d", len(src), MaxRevisionBytes)
	}
	p := parser{rev: &Revision{}}
	for i, line := range strings.Split(src, "\n") {
		p.line = i + 1
		if err := p.take(strings.TrimRight(line, " \t\r")); err != nil {
			return nil, process.E(op, p.kind, err)
		}
	}
	if err := p.end(); err != nil {
		return nil, process.E(op, p.kind, err)
	}
	if len(p.rev.Paragraphs) == 0 || len(p.rev.Paragraphs) == 1 && p.rev.Paragraphs[0].Part == Title {
		return nil, process.Errorf(op, process.Invalid, "no paragraphs: a draft needs at least one")
	}
	p.rev.Renumber()
	return p.rev, nil
}

type parser struct {
	rev      *Revision
	line     int
	kind     process.Kind    // of the error being returned
	open     bool            // the last paragraph takes continuation lines
	text     strings.Builder // the open paragraph's text so far
	openLine int             // where the last paragraph started
	pp, op   int             // preambular and operative paragraphs so far
	sub      int             // subparagraphs of the current paragraph
}

func (p *parser) fail(kind process.Kind, format string, args ...any) error {
	p.kind = kind
	return &LineError{Line: p.line, Reason: fmt.Sprintf(format, args...)}
}

func (p *parser) take(line string) error {
	if why := badText(line); why != "" {
		return p.fail(process.Invalid, "%s", why)
	}
	trimmed := strings.TrimSpace(line)
	if trimmed == "" {
		return p.end()
	}
	if m := mdHeading.FindStringSubmatch(trimmed); m != nil {
		if len(m[1]) == 1 {
			return p.title(m[2])
		}
		if err := p.heading(m[2], labelled); err != nil {
			return err
		}
		return p.end() // a Markdown heading is one line: the next is not its text
	}
	if m := plainHeading.FindStringSubmatch(trimmed); m != nil {
		return p.heading(trimmed, plainHeading)
	}
	if m := numbered.FindStringSubmatch(trimmed); m != nil {
		return p.numbered(m[1], m[2], m[3])
	}
	if m := lettered.FindStringSubmatch(trimmed); m != nil {
		return p.lettered(m[1], m[2])
	}
	if bullet.MatchString(trimmed) {
		return p.fail(process.Invalid, "a bullet: number the paragraph (1.) or letter it ((a))")
	}
	if p.open {
		if p.text.Len() > 0 {
			p.text.WriteByte(' ')
		}
		p.text.WriteString(trimmed)
		if p.text.Len() > MaxParagraphBytes {
			return p.end()
		}
		return nil
	}
	return p.unnumbered(trimmed)
}

// end checks the paragraph that a blank line or the end of the text closes.
func (p *parser) end() error {
	if !p.open {
		return nil
	}
	last := &p.rev.Paragraphs[len(p.rev.Paragraphs)-1]
	last.Text = p.text.String()
	p.text.Reset()
	p.open = false
	if last.Text == "" && last.Part != Heading {
		p.line = p.openLine
		return p.fail(process.Invalid, "%s has no text", p.describe(*last))
	}
	if len(last.Text) > MaxParagraphBytes {
		p.line = p.openLine
		return p.fail(process.TooLarge, "%s has %d bytes: a paragraph has at most %d", p.describe(*last), len(last.Text), MaxParagraphBytes)
	}
	return nil
}

func (p *parser) describe(para Paragraph) string {
	switch {
	case para.Part == Title:
		return "the title"
	case para.Part == Heading:
		return "the heading"
	case para.Level > 0:
		return "subparagraph " + para.Num
	case para.Part == Preamble:
		return "preambular paragraph " + para.Num
	}
	return "paragraph " + para.Num
}

func (p *parser) add(para Paragraph) error {
	if err := p.end(); err != nil {
		return err
	}
	if len(p.rev.Paragraphs) == MaxParagraphs {
		return p.fail(process.TooLarge, "more than %d paragraphs", MaxParagraphs)
	}
	p.text.WriteString(para.Text)
	para.Text = ""
	p.rev.Paragraphs = append(p.rev.Paragraphs, para)
	p.open, p.openLine = true, p.line
	return nil
}

func (p *parser) title(text string) error {
	if len(p.rev.Paragraphs) > 0 {
		return p.fail(process.Invalid, "a title (# …) after the first paragraph: use ## for a section heading")
	}
	return p.add(Paragraph{Part: Title, Text: text})
}

func (p *parser) heading(text string, label *regexp.Regexp) error {
	p.sub = 0
	para := Paragraph{Part: Heading, Text: text}
	if m := label.FindStringSubmatch(text); m != nil {
		para.Num, para.Text = m[1], m[2]
	}
	return p.add(para)
}

func (p *parser) numbered(prefix, digits, text string) error {
	n, err := strconv.Atoi(digits)
	if err != nil {
		return p.fail(process.Invalid, "paragraph number %s is too large", digits)
	}
	if prefix == "PP" {
		if p.op > 0 {
			return p.fail(process.Invalid, "preambular paragraph PP%d after operative paragraph %d", n, p.op)
		}
		if n != p.pp+1 {
			return p.fail(process.Invalid, "preambular paragraph PP%d where PP%d comes next", n, p.pp+1)
		}
		p.pp, p.sub = n, 0
		return p.add(Paragraph{Part: Preamble, Num: "PP" + digits, Text: text})
	}
	if n != p.op+1 {
		return p.fail(process.Invalid, "paragraph %d where %d comes next", n, p.op+1)
	}
	p.op, p.sub = n, 0
	return p.add(Paragraph{Part: Operative, Num: digits, Text: text})
}

func (p *parser) lettered(letter, text string) error {
	if p.pp+p.op == 0 || p.rev.Paragraphs[len(p.rev.Paragraphs)-1].Part == Heading {
		return p.fail(process.Invalid, "subparagraph (%s) with no paragraph above it", letter)
	}
	if want := letters(p.sub + 1); letter != want {
		return p.fail(process.Invalid, "subparagraph (%s) where (%s) comes next", letter, want)
	}
	p.sub++
	part := Operative
	if p.op == 0 {
		part = Preamble
	}
	return p.add(Paragraph{Part: part, Level: 1, Num: "(" + letter + ")", Text: text})
}

func (p *parser) unnumbered(text string) error {
	switch {
	case len(p.rev.Paragraphs) == 0 && !strings.ContainsAny(text[len(text)-1:], ",;:"):
		return p.add(Paragraph{Part: Title, Text: text})
	case p.op > 0:
		return p.fail(process.Invalid, "an unnumbered paragraph after operative paragraph %d: number it, or join it to the paragraph above without a blank line", p.op)
	}
	p.pp, p.sub = p.pp+1, 0
	return p.add(Paragraph{Part: Preamble, Num: "PP" + strconv.Itoa(p.pp), Text: text})
}
