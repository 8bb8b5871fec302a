package api

import (
	"bytes"
	"testing"
	"unicode/utf8"

	"github.com/compact-un/compact/process"
)

func TestSniffAttachment(t *testing.T) {
	for _, tt := range []struct {
		name string
		data []byte
		want string
		kind process.Kind // of the error, when want is ""
	}{
		{"PDF", minimalPDF, typePDF, 0},
		{"DOCX", minimalDOCX(t), typeDOCX, 0},
		{"UTF-8 text", []byte("Contribution\n\nWith accents: é, ü, ✓.\n"), typeText, 0},
		{"PNG", pngHeader, "", process.Unsupported},
		{"a PDF after junk", append([]byte(" "), minimalPDF...), typeText, 0}, // text that mentions %PDF- is text
		{"XLSX", zipOf(t, "[Content_Types].xml", "xl/workbook.xml"), "", process.Unsupported},
		{"a ZIP's magic alone", []byte("PK\x03\x04 not really a zip"), "", process.Unsupported},
		{"text with a NUL", []byte("a\x00b"), "", process.Unsupported},
		{"Latin-1", []byte("caf\xe9"), "", process.Unsupported},
		{"empty", nil, "", process.Invalid},
		{"over the limit", bytes.Repeat([]byte("a"), maxAttachment+1), "", process.TooLarge},
	} {
		got, err := sniffAttachment(tt.data)
		switch {
		case tt.want != "" && (err != nil || got != tt.want):
			t.Errorf("%s: got %q, %v; want %q", tt.name, got, err, tt.want)
		case tt.want == "" && process.KindOf(err) != tt.kind:
			t.Errorf("%s: got %q, %v; want a %v error", tt.name, got, err, tt.kind)
		}
	}
}

// FuzzSniffAttachment checks that the sniffer never panics and that what it
// accepts is what it says.
func FuzzSniffAttachment(f *testing.F) {
	for _, seed := range [][]byte{minimalPDF, minimalDOCX(f), pngHeader, []byte("text"), []byte("PK\x03\x04"),
		zipOf(f, "word/document.xml"), []byte("%PDF-"), {0}, {0xff, 0xfe}} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		typ, err := sniffAttachment(data)
		if err != nil {
			if k := process.KindOf(err); k != process.Unsupported && k != process.Invalid && k != process.TooLarge {
				t.Fatalf("a %v error: %v", k, err)
			}
			return
		}
		switch typ {
		case typePDF:
			if !bytes.HasPrefix(data, []byte("%PDF-")) {
				t.Fatal("a PDF without %PDF-")
			}
		case typeDOCX:
			if !isDOCX(data) {
				t.Fatal("a DOCX that is not")
			}
		case typeText:
			if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
				t.Fatal("text that is not UTF-8 without NULs")
			}
		default:
			t.Fatalf("type %q", typ)
		}
	})
}
