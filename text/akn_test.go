package text

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/compact-un/compact/process"
)

var gcmMeta = Meta{Symbol: "A/CONF.231/3", Author: "unga", Date: "2018-07-30", Language: "en"}

// schemaDir holds the OASIS Akoma Ntoso 3.0 schema (akomantoso30.xsd and the
// xml.xsd it imports). Public third-party files are not kept in this
// repository: docs/akoma-ntoso-schema.md says where they come from, and the
// test reads them from COMPACT_AKN_SCHEMA_DIR or from shared/reference/akn30
// in the nearest folder above the package that has it: beside the checkout,
// as CI lays shared/, or above a git worktree's folder.
func schemaDir() string {
	if dir := os.Getenv("COMPACT_AKN_SCHEMA_DIR"); dir != "" {
		return dir
	}
	rel := filepath.Join("shared", "reference", "akn30")
	dir, err := filepath.Abs("..")
	if err != nil {
		return filepath.Join("..", "..", rel)
	}
	for {
		parent := filepath.Dir(dir)
		if parent == dir {
			return filepath.Join("..", "..", rel)
		}
		dir = parent
		if _, err := os.Stat(filepath.Join(dir, rel, "akomantoso30.xsd")); err == nil {
			return filepath.Join(dir, rel)
		}
	}
}

// validate checks each document against the OASIS Akoma Ntoso 3.0 schema
// with xmllint.
func validate(t *testing.T, docs map[string][]byte) {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint is not installed: apt-get install -y libxml2-utils")
	}
	schema := filepath.Join(schemaDir(), "akomantoso30.xsd")
	if _, err := os.Stat(schema); err != nil {
		t.Skipf("the Akoma Ntoso 3.0 schema is not at %s (docs/akoma-ntoso-schema.md)", schema)
	}
	dir := t.TempDir()
	args := []string{"--noout", "--nonet", "--schema", schema}
	for name, doc := range docs {
		path := filepath.Join(dir, name+".xml")
		if err := os.WriteFile(path, doc, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, path)
	}
	if out, err := exec.Command(xmllint, args...).CombinedOutput(); err != nil {
		t.Fatalf("xmllint: %v\n%s", err, out)
	}
}

func TestExportsAreValidAkomaNtoso(t *testing.T) {
	rev, ams, c := compiledScenario(t)
	docs := map[string][]byte{}
	var err error
	if docs["draft"], err = ExportRevision(rev, gcmMeta); err != nil {
		t.Fatal(err)
	}
	if docs["compilation"], err = ExportCompilation(c, gcmMeta); err != nil {
		t.Fatal(err)
	}
	for i := range ams {
		if docs["amendment-"+ams[i].ID], err = ExportAmendment(rev, &ams[i], gcmMeta); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{
		`<FRBRthis value="/akn/un/doc/draft/unga/2018-07-30/A-CONF.231-3/!main"></FRBRthis>`,
		`<FRBRuri value="/akn/un/doc/draft/unga/2018-07-30/A-CONF.231-3/eng@2018-07-30"></FRBRuri>`,
		`<FRBRlanguage language="eng"></FRBRlanguage>`,
		`<FRBRnumber value="A/CONF.231/3"></FRBRnumber>`,
		`<paragraph eId="para_3" wId="r0-7">`,
		`<subparagraph eId="para_3__subpara_a" wId="r0-8">`,
	} {
		if !bytes.Contains(docs["draft"], []byte(want)) {
			t.Errorf("the draft lacks %s", want)
		}
	}
	if !bytes.Contains(docs["compilation"], []byte(`<ins>This Compact rests on the Charter.</ins>`)) {
		t.Errorf("the compilation lacks A1's text")
	}
	validate(t, docs)
}

func TestAkomaNtosoReadsBack(t *testing.T) {
	rev, _, c := compiledScenario(t)
	next, _, err := c.Next()
	if err != nil {
		t.Fatal(err)
	}
	readsBack(t, rev)
	readsBack(t, next)
}

// readsBack exports r, checks that it imports as r and returns the export.
func readsBack(t *testing.T, r *Revision) []byte {
	t.Helper()
	doc, err := ExportRevision(r, gcmMeta)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ImportRevision(doc)
	if err != nil {
		t.Fatal(err)
	}
	if back.Number != r.Number || !sameParagraphs(r.Paragraphs, back.Paragraphs) {
		t.Errorf("revision %d read back as %d:\n%+v\nwant\n%+v", r.Number, back.Number, back.Paragraphs, r.Paragraphs)
	}
	return doc
}

func TestExportRefusesBadMeta(t *testing.T) {
	rev := identified(t)
	for _, m := range []Meta{
		{Symbol: "a b", Author: "unga", Date: "2018-07-30", Language: "en"},
		{Symbol: "A/73/1", Author: "UN GA", Date: "2018-07-30", Language: "en"},
		{Symbol: "A/73/1", Author: "unga", Date: "30 July 2018", Language: "en"},
		{Symbol: "A/73/1", Author: "unga", Date: "2018-07-30", Language: "de"},
	} {
		if _, err := ExportRevision(rev, m); process.KindOf(err) != process.Invalid {
			t.Errorf("%+v: %v", m, err)
		}
	}
}

func TestImportRevisionRefusesWithAReason(t *testing.T) {
	rev := identified(t)
	good, err := ExportRevision(rev, gcmMeta)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		doc  string
		kind process.Kind
		says string
		line int
	}{
		{"", process.Invalid, "no XML", 0},
		{"<akomaNtoso xmlns=\"" + Namespace + "\">\n<doc>\n</akomaNtoso>", process.Invalid, "element <doc> closed by </akomaNtoso>", 3},
		{"<akomaNtoso><doc name=\"draft\"/></akomaNtoso>", process.Invalid, "want akomaNtoso in", 0},
		{"<akomaNtoso xmlns=\"" + Namespace + "\"><act/></akomaNtoso>", process.Invalid, "no doc element", 0},
		{strings.Replace(string(good), ` wId="r0-7"`, "", 1), process.Invalid, "paragraph para_3 has no wId", 0},
		{strings.Replace(string(good), ` wId="r0-7"`, ` wId="r0-4"`, 1), process.Invalid, `wId "r0-4" is on two paragraphs`, 0},
		{strings.Replace(string(good), `<paragraph eId="para_1"`, `<article eId="para_1"`, 1), process.Invalid, "", 0},
		{strings.Replace(string(good), "Reaffirming", "&#1;", 1), process.Invalid, "illegal character code U+0001", 0},
		{strings.Replace(string(good), "Reaffirming", "&bogus;", 1), process.Invalid, "invalid character entity &bogus;", 0},
		{string(good) + strings.Repeat(" ", MaxXMLBytes), process.TooLarge, "at most", 0},
	} {
		_, err := ImportRevision([]byte(c.doc))
		if process.KindOf(err) != c.kind || err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%.60q: %v (%s), want %s saying %q", c.doc, err, process.KindOf(err), c.kind, c.says)
		}
		var le *LineError
		if c.line > 0 && (!errors.As(err, &le) || le.Line != c.line) {
			t.Errorf("%.60q: %v: want line %d", c.doc, err, c.line)
		}
	}
}

func FuzzImportRevision(f *testing.F) {
	rev := identified(f)
	good, err := ExportRevision(rev, gcmMeta)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte("<akomaNtoso xmlns=\"" + Namespace + "\"><doc name=\"draft\"><mainBody><paragraph wId=\"x\"><content><p>t</p></content></paragraph></mainBody></doc></akomaNtoso>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rev, err := ImportRevision(data)
		if err != nil {
			if k := process.KindOf(err); k != process.Invalid && k != process.TooLarge {
				t.Fatalf("%v is %s", err, k)
			}
			return
		}
		doc, err := ExportRevision(rev, gcmMeta)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ImportRevision(doc)
		if err != nil {
			t.Fatalf("an imported revision, exported, does not import: %v\n%s", err, doc)
		}
		if back.Number != rev.Number || !sameParagraphs(rev.Paragraphs, back.Paragraphs) {
			t.Fatalf("read back differs:\n%+v\n%+v", rev.Paragraphs, back.Paragraphs)
		}
	})
}

func TestUnusualShapesExportValidly(t *testing.T) {
	rev := mustParse(t, "# Title\n\nPP1. Recalling,\n(a) its resolution 71/1;\n(b) its resolution 72/244;\n\n## A heading without a label\n\n1. Decides;\n(a) to convene;\n\n## Objective 2: Labelled\n\n2. Requests.\n")
	Identify(nil, rev)
	validate(t, map[string][]byte{"shapes": readsBack(t, rev)})
}
