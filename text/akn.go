package text

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/compact-un/compact/process"
)

// Namespace is Akoma Ntoso 3.0's XML namespace.
const Namespace = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"

// Meta names a document the way AKN4UN, the UN system's Akoma Ntoso
// guidelines, build IRIs: /akn/un/{type}/{subtype}/{author}/{date}/{number}
// for the work, then /{language}@{date} for the expression and /!main.xml
// for the XML manifestation, the number being the UN document symbol with
// its slashes as dashes.
type Meta struct {
	Symbol   string // the UN document symbol, e.g. "A/CONF.231/3"
	Author   string // the organ, e.g. "unga"
	Date     string // the revision's date, YYYY-MM-DD
	Language string // the expression's language: ar, en, es, fr, ru or zh
}

// iso639 maps the six UN languages to the ISO 639-2 codes Akoma Ntoso
// uses for FRBRlanguage and in IRIs.
var iso639 = map[string]string{"ar": "ara", "en": "eng", "es": "spa", "fr": "fra", "ru": "rus", "zh": "zho"}

var (
	symbolChars = regexp.MustCompile(`^[A-Z0-9][A-Za-z0-9./()-]*$`)
	authorChars = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
)

func (m Meta) check() error {
	const op = "text.Meta"
	if !symbolChars.MatchString(m.Symbol) {
		return process.Errorf(op, process.Invalid, "document symbol %q: capitals, digits and . / ( ) - only, as in A/CONF.231/3", m.Symbol)
	}
	if !authorChars.MatchString(m.Author) {
		return process.Errorf(op, process.Invalid, "author %q: lower-case letters, digits and - only, as in unga", m.Author)
	}
	if _, err := time.Parse(time.DateOnly, m.Date); err != nil {
		return process.Errorf(op, process.Invalid, "date %q is not YYYY-MM-DD", m.Date)
	}
	if iso639[m.Language] == "" {
		return process.Errorf(op, process.Invalid, "language %q is not one of the UN's six: ar, en, es, fr, ru, zh", m.Language)
	}
	return nil
}

// iris are the work, expression and manifestation IRIs of a document of
// subtype sub (draft, compilation, amendment).
func (m Meta) iris(sub string) (work, expr, manif string) {
	work = "/akn/un/doc/" + sub + "/" + m.Author + "/" + m.Date + "/" + strings.ReplaceAll(m.Symbol, "/", "-")
	expr = work + "/" + iso639[m.Language] + "@" + m.Date
	return work, expr, expr + "/!main.xml"
}

// The XML as written and read; only what a revision needs.
type (
	aknRoot struct {
		XMLName   xml.Name      `xml:"akomaNtoso"`
		Xmlns     string        `xml:"xmlns,attr,omitempty"`
		Doc       *aknDoc       `xml:"doc"`
		Amendment *aknAmendment `xml:"amendment"`
	}
	aknDoc struct {
		Name     string   `xml:"name,attr"`
		Meta     aknMeta  `xml:"meta"`
		Preface  *aknNode `xml:"preface"`
		Preamble *aknNode `xml:"preamble"`
		MainBody aknNode  `xml:"mainBody"`
	}
	aknAmendment struct {
		Name string  `xml:"name,attr"`
		Meta aknMeta `xml:"meta"`
		Body aknNode `xml:"amendmentBody"`
	}
	aknMeta struct {
		Identification struct {
			Source        string  `xml:"source,attr"`
			Work          aknFRBR `xml:"FRBRWork"`
			Expression    aknFRBR `xml:"FRBRExpression"`
			Manifestation aknFRBR `xml:"FRBRManifestation"`
		} `xml:"identification"`
		References struct {
			Source string   `xml:"source,attr"`
			Orgs   []aknTLC `xml:"TLCOrganization"`
		} `xml:"references"`
	}
	aknFRBR struct {
		This     aknValue  `xml:"FRBRthis"`
		URI      aknValue  `xml:"FRBRuri"`
		Date     aknDate   `xml:"FRBRdate"`
		Author   aknHref   `xml:"FRBRauthor"`
		Country  *aknValue `xml:"FRBRcountry"`
		Subtype  *aknValue `xml:"FRBRsubtype"`
		Number   *aknValue `xml:"FRBRnumber"`
		Version  *aknValue `xml:"FRBRversionNumber"`
		Language *struct {
			Language string `xml:"language,attr"`
		} `xml:"FRBRlanguage"`
		Format *aknValue `xml:"FRBRformat"`
	}
	aknValue struct {
		Value string `xml:"value,attr"`
	}
	aknDate struct {
		Date string `xml:"date,attr"`
		Name string `xml:"name,attr"`
	}
	aknHref struct {
		Href string `xml:"href,attr"`
	}
	aknTLC struct {
		EID    string `xml:"eId,attr"`
		Href   string `xml:"href,attr"`
		ShowAs string `xml:"showAs,attr"`
	}
	// aknNode is any structural element: its children in order.
	aknNode struct {
		XMLName  xml.Name
		Name     string    `xml:"name,attr,omitempty"`
		Class    string    `xml:"class,attr,omitempty"`
		EID      string    `xml:"eId,attr,omitempty"`
		WID      string    `xml:"wId,attr,omitempty"`
		Href     string    `xml:"href,attr,omitempty"`
		Text     string    `xml:",chardata"`
		Children []aknNode `xml:",any"`
	}
)

func el(name string, children ...aknNode) aknNode {
	return aknNode{XMLName: xml.Name{Local: name}, Children: children}
}

func textEl(name, text string) aknNode {
	return aknNode{XMLName: xml.Name{Local: name}, Text: text}
}

func (n aknNode) with(eid, wid string) aknNode {
	n.EID, n.WID = eid, wid
	return n
}

func (n aknNode) named(name string) aknNode {
	n.Name = name
	return n
}

func (n *aknNode) child(name string) *aknNode {
	for i := range n.Children {
		if n.Children[i].XMLName.Local == name {
			return &n.Children[i]
		}
	}
	return nil
}

// meta is the identification of a document of subtype sub.
func (m Meta) meta(sub string, version int) aknMeta {
	work, expr, manif := m.iris(sub)
	var am aknMeta
	id := &am.Identification
	id.Source = "#compact"
	frbr := func(this, uri string) aknFRBR {
		return aknFRBR{This: aknValue{this}, URI: aknValue{uri}, Date: aknDate{m.Date, sub}, Author: aknHref{"#" + m.Author}}
	}
	id.Work = frbr(work+"/!main", work)
	id.Work.Country = &aknValue{"un"}
	id.Work.Subtype = &aknValue{sub}
	id.Work.Number = &aknValue{m.Symbol}
	id.Expression = frbr(expr+"/!main", expr)
	id.Expression.Version = &aknValue{strconv.Itoa(version)}
	id.Expression.Language = &struct {
		Language string `xml:"language,attr"`
	}{iso639[m.Language]}
	id.Manifestation = frbr(manif, manif)
	id.Manifestation.Format = &aknValue{"application/akn+xml"}
	am.References.Source = "#compact"
	am.References.Orgs = []aknTLC{
		{EID: "compact", Href: "/akn/ontology/organization/un/compact", ShowAs: "Compact"},
		{EID: m.Author, Href: "/akn/ontology/organization/un/" + m.Author, ShowAs: m.Author},
	}
	return am
}

// Element names and eIds: paragraphs as AKN4UN marks up resolutions,
// preambular ones as containers of the preamble, operative ones as
// paragraphs, subparagraphs inside them, headed sections around the
// paragraphs that follow their heading. wId carries the paragraph's ID.
const (
	aknPreambular    = "preambularParagraph"
	aknPreambularSub = "preambularSubparagraph"
)

// body lays out rev's paragraphs; extra, when set, adds blocks after a
// paragraph's text (the compilation's proposals).
func body(rev *Revision, extra func(i int) []aknNode) (preface, preamble *aknNode, main aknNode) {
	main = el("mainBody")
	pre := el("preamble")
	var section *aknNode   // the open section, if any
	var paragraph *aknNode // the last operative paragraph, for its subparagraphs
	secs, pps := 0, 0
	blocks := func(i int, text string) []aknNode {
		out := []aknNode{textEl("p", text)}
		if extra != nil {
			out = append(out, extra(i)...)
		}
		return out
	}
	for i, p := range rev.Paragraphs {
		switch {
		case p.Part == Title:
			t := el("preface", el("longTitle", blocks(i, p.Text)...).with("longTitle", p.ID))
			preface = &t
		case p.Part == Preamble:
			pps++
			name := aknPreambular
			if p.Level > 0 {
				name = aknPreambularSub
			}
			pre.Children = append(pre.Children, el("container", blocks(i, p.Text)...).named(name).with("preamble__container_"+strconv.Itoa(pps), p.ID))
		case p.Part == Heading:
			secs++
			main.Children = append(main.Children, el("section", textEl("num", p.Num), textEl("heading", p.Text)).with("sec_"+strconv.Itoa(secs), p.ID))
			section, paragraph = &main.Children[len(main.Children)-1], nil
			if extra != nil {
				if more := extra(i); len(more) > 0 {
					section.Children = append(section.Children, el("intro", more...))
				}
			}
		case p.Level > 0 && paragraph != nil:
			if intro := paragraph.child("content"); intro != nil {
				intro.XMLName.Local = "intro"
			}
			paragraph.Children = append(paragraph.Children, el("subparagraph", textEl("num", p.Num), el("content", blocks(i, p.Text)...)).with(paragraph.EID+"__subpara_"+strings.Trim(p.Num, "()"), p.ID))
		default:
			para := el("paragraph", textEl("num", p.Num), el("content", blocks(i, p.Text)...)).with("para_"+p.Num, p.ID)
			into := &main
			if section != nil {
				into = section
			}
			into.Children = append(into.Children, para)
			paragraph = &into.Children[len(into.Children)-1]
		}
	}
	if len(pre.Children) > 0 {
		preamble = &pre
	}
	return preface, preamble, main
}

// ExportRevision writes rev as an Akoma Ntoso 3.0 document (doc, named
// "draft") with AKN4UN IRIs from m. Paragraph IDs go in wId, display
// numbers in eId and num.
func ExportRevision(rev *Revision, m Meta) ([]byte, error) {
	return export(rev, m, "draft", nil)
}

func export(rev *Revision, m Meta, sub string, extra func(int) []aknNode) ([]byte, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	doc := &aknDoc{Name: sub, Meta: m.meta(sub, rev.Number)}
	doc.Preface, doc.Preamble, doc.MainBody = body(rev, extra)
	if len(doc.MainBody.Children) == 0 {
		doc.MainBody.Children = []aknNode{textEl("p", "")}
	}
	return marshal(aknRoot{Xmlns: Namespace, Doc: doc})
}

func marshal(root aknRoot) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	if err := enc.Encode(root); err != nil {
		return nil, process.E("text.Export", process.Internal, err)
	}
	b.WriteString("\n")
	return b.Bytes(), nil
}

// ExportCompilation writes the compilation as a doc named "compilation":
// the revision's paragraphs, each followed by its proposals as blocks of
// class "proposal" (the proposed text in ins, a deletion in del), with
// their proponents, counts and outcome.
func ExportCompilation(c *Compilation, m Meta) ([]byte, error) {
	byParagraph := make(map[int][]Proposal, len(c.Entries))
	status := make(map[int]Status, len(c.Entries))
	for _, e := range c.Entries {
		byParagraph[e.Paragraph] = e.Proposals
		status[e.Paragraph] = e.Status
	}
	return export(c.Revision, m, "compilation", func(i int) []aknNode {
		var out []aknNode
		if status[i] != Open {
			out = append(out, textEl("p", string(status[i])).classed("status"))
		}
		for _, p := range byParagraph[i] {
			out = append(out, p.akn())
		}
		return out
	})
}

func (n aknNode) classed(class string) aknNode {
	n.Class = class
	return n
}

// akn is the proposal as a block: what it does, then who and how many.
func (p *Proposal) akn() aknNode {
	a := p.Amendment
	var what []aknNode
	if p.Alt > 0 {
		what = append(what, textEl("span", p.alt()))
	}
	switch a.Kind {
	case Delete:
		what = append(what, textEl("del", "delete"))
	case EditWords:
		for _, e := range a.Edits {
			what = append(what, textEl("del", e.Old), textEl("ins", e.New))
		}
	default:
		what = append(what, textEl("ins", a.Text))
	}
	what = append(what, textEl("span", p.attribution()))
	block := el("p", what...).classed("proposal")
	block.EID = "amdt_" + a.ID
	return block
}

// ExportAmendment writes an amendment to rev as an Akoma Ntoso amendment
// document: its heading names the kind and the paragraph, its content the
// proposed text, its reference the draft amended (m names the draft; the
// amendment's own IRIs add its ID to the draft's symbol).
func ExportAmendment(rev *Revision, a *Amendment, m Meta) ([]byte, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	draft, _, _ := m.iris("draft")
	target := "the end of the " + string(a.Part)
	if i := rev.Index(a.Paragraph); i >= 0 {
		target = rev.Label(i)
	}
	am := m
	am.Symbol = m.Symbol + "/" + strings.Map(func(r rune) rune {
		if strings.ContainsRune("./()-", r) || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, a.ID)
	prop := Proposal{Amendment: a}
	amd := &aknAmendment{Name: "amendment", Meta: am.meta("amendment", a.Revision)}
	amd.Body = el("amendmentBody",
		el("amendmentHeading", textEl("p", fmt.Sprintf("Amendment %s: %s %s", a.ID, a.Kind, target))),
		el("amendmentContent", prop.akn()),
		el("amendmentReference", el("p", aknNode{XMLName: xml.Name{Local: "affectedDocument"}, Href: draft, Text: m.Symbol})),
	)
	return marshal(aknRoot{Xmlns: Namespace, Amendment: amd})
}

// MaxXMLBytes caps an Akoma Ntoso import: a revision at its limits with
// the markup around each paragraph.
const MaxXMLBytes = MaxRevisionBytes + MaxParagraphs*512

// ImportRevision reads a revision written by ExportRevision (or marked up
// the same way) back: its paragraphs with their IDs (wId), parts, levels,
// headings' labels and texts, and the revision number from
// FRBRversionNumber. Malformed, oversized or differently structured XML
// is refused with an Invalid or TooLarge error that says where.
func ImportRevision(data []byte) (*Revision, error) {
	const op = "text.ImportRevision"
	if len(data) > MaxXMLBytes {
		return nil, process.Errorf(op, process.TooLarge, "%d bytes: at most %d", len(data), MaxXMLBytes)
	}
	var root aknRoot
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	if err := dec.Decode(&root); err != nil {
		var syn *xml.SyntaxError
		if errors.As(err, &syn) {
			return nil, process.E(op, process.Invalid, &LineError{Line: syn.Line, Reason: syn.Msg})
		}
		if errors.Is(err, io.EOF) {
			return nil, process.Errorf(op, process.Invalid, "no XML")
		}
		return nil, process.Errorf(op, process.Invalid, "%v", err)
	}
	switch {
	case root.XMLName.Space != Namespace:
		return nil, process.Errorf(op, process.Invalid, "root element %s in namespace %q: want akomaNtoso in %s", root.XMLName.Local, root.XMLName.Space, Namespace)
	case root.Doc == nil:
		return nil, process.Errorf(op, process.Invalid, "no doc element: a revision is exported as <doc name=\"draft\">")
	}
	rev := &Revision{}
	if v := root.Doc.Meta.Identification.Expression.Version; v != nil {
		n, err := strconv.Atoi(v.Value)
		if err != nil || n < 0 {
			return nil, process.Errorf(op, process.Invalid, "FRBRversionNumber %q is not a revision number", v.Value)
		}
		rev.Number = n
	}
	r := reader{rev: rev, seen: map[string]bool{}}
	if root.Doc.Preface != nil {
		if t := root.Doc.Preface.child("longTitle"); t != nil {
			r.add(t, Paragraph{Part: Title}, "")
		}
	}
	if root.Doc.Preamble != nil {
		for i := range root.Doc.Preamble.Children {
			n := &root.Doc.Preamble.Children[i]
			level := 0
			if n.Name == aknPreambularSub {
				level = 1
			}
			r.add(n, Paragraph{Part: Preamble, Level: level}, "")
		}
	}
	for i := range root.Doc.MainBody.Children {
		r.hier(&root.Doc.MainBody.Children[i], 0)
	}
	if r.err != nil {
		return nil, process.E(op, r.kind, r.err)
	}
	if len(rev.Paragraphs) == 0 {
		return nil, process.Errorf(op, process.Invalid, "no paragraphs")
	}
	rev.Renumber()
	return rev, nil
}

type reader struct {
	rev  *Revision
	seen map[string]bool
	err  error
	kind process.Kind
}

func (r *reader) hier(n *aknNode, level int) {
	switch n.XMLName.Local {
	case "section":
		r.add(n, Paragraph{Part: Heading}, "heading")
		for i := range n.Children {
			if c := &n.Children[i]; c.XMLName.Local == "paragraph" {
				r.hier(c, 0)
			}
		}
	case "paragraph", "subparagraph":
		block := "content"
		if n.child("intro") != nil {
			block = "intro"
		}
		r.add(n, Paragraph{Part: Operative, Level: level}, block)
		for i := range n.Children {
			if c := &n.Children[i]; c.XMLName.Local == "subparagraph" && level == 0 {
				r.hier(c, 1)
			}
		}
	case "p":
		if strings.TrimSpace(n.Text) != "" || len(n.Children) > 0 {
			r.fail("text directly in mainBody: put it in a paragraph")
		}
	default:
		r.fail("%s in mainBody: a revision has sections, paragraphs and subparagraphs", n.XMLName.Local)
	}
}

func (r *reader) fail(format string, args ...any) {
	r.failKind(process.Invalid, format, args...)
}

func (r *reader) failKind(kind process.Kind, format string, args ...any) {
	if r.err == nil {
		r.err, r.kind = fmt.Errorf(format, args...), kind
	}
}

// add reads paragraph p from n: its ID from wId, a heading's label from
// num, the text from the first p of n (or of n's block child).
func (r *reader) add(n *aknNode, p Paragraph, block string) {
	if r.err != nil {
		return
	}
	where := n.XMLName.Local
	if n.EID != "" {
		where += " " + n.EID
	}
	switch {
	case len(r.rev.Paragraphs) == MaxParagraphs:
		r.failKind(process.TooLarge, "more than %d paragraphs", MaxParagraphs)
		return
	case n.WID == "" || strings.ContainsAny(n.WID, " \t\n"):
		r.fail("%s has no wId, the paragraph's ID", where)
		return
	case r.seen[n.WID]:
		r.fail("wId %q is on two paragraphs", n.WID)
		return
	}
	r.seen[n.WID] = true
	p.ID = n.WID
	from := n
	if block == "heading" {
		if num := n.child("num"); num != nil {
			p.Num = num.Text
		}
		if h := n.child("heading"); h != nil {
			p.Text = h.Text
		}
	} else {
		if block != "" {
			if from = n.child(block); from == nil {
				r.fail("%s has no %s", where, block)
				return
			}
		}
		para := from.child("p")
		if para == nil {
			r.fail("%s has no p", where)
			return
		}
		p.Text = para.Text
	}
	if why := badText(p.Text + p.Num); why != "" {
		r.fail("%s: %s", where, why)
		return
	}
	if len(p.Text) > MaxParagraphBytes {
		r.failKind(process.TooLarge, "%s has %d bytes: a paragraph has at most %d", where, len(p.Text), MaxParagraphBytes)
		return
	}
	r.rev.Paragraphs = append(r.rev.Paragraphs, p)
}
