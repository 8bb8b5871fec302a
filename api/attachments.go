package api

import (
	"archive/zip"
	"bytes"
	"net/http"
	"unicode/utf8"

	"github.com/compact-un/compact/process"
)

// Media types of the attachments the intake takes.
const (
	typePDF  = "application/pdf"
	typeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	typeText = "text/plain; charset=utf-8"
)

// maxAttachment bounds one attachment.
const maxAttachment = 10 << 20

// sniffAttachment returns the media type of an attachment, judged by its
// content alone: a file's name and declared type are the sender's claim,
// and an observer who downloads it must get what the type says.
func sniffAttachment(b []byte) (string, error) {
	const op = "api.sniffAttachment"
	switch {
	case len(b) == 0:
		return "", process.Errorf(op, process.Invalid, "the attachment is empty")
	case len(b) > maxAttachment:
		return "", process.Errorf(op, process.TooLarge, "the attachment is over %d bytes", maxAttachment)
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return typePDF, nil
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		// A ZIP is a DOCX when it holds the main document part; any other
		// ZIP (a spreadsheet, an archive of executables) is refused.
		if isDOCX(b) {
			return typeDOCX, nil
		}
		return "", process.Errorf(op, process.Unsupported, "the attachment is a ZIP file but not a DOCX document")
	case utf8.Valid(b) && bytes.IndexByte(b, 0) < 0:
		return typeText, nil
	}
	return "", process.Errorf(op, process.Unsupported,
		"the attachment is %s; send a PDF, a DOCX document or UTF-8 text", http.DetectContentType(b))
}

// isDOCX reports whether b is a ZIP archive holding word/document.xml. It
// reads the central directory only: nothing is decompressed.
func isDOCX(b []byte) bool {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return false
	}
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			return true
		}
	}
	return false
}
