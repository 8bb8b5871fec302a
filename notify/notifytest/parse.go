package notifytest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
)

// Parsed is a received email as a client reads it.
type Parsed struct {
	Header     mail.Header
	Subject    string // decoded
	Text, HTML string
	ICS        string            // the calendar attachment, "" when there is none
	ICSMethod  string            // its iTIP method
	ICSProps   map[string]string // its unfolded properties, by name with parameters
}

// Parse reads a message that notify.Email composed: multipart/mixed
// holding multipart/alternative (text, then HTML) and perhaps a
// text/calendar attachment.
func Parse(raw []byte) (Parsed, error) {
	var p Parsed
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return p, err
	}
	p.Header = m.Header
	if p.Subject, err = new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject")); err != nil {
		return p, err
	}
	mixed, err := multipartOf(m.Header.Get("Content-Type"), "multipart/mixed", m.Body)
	if err != nil {
		return p, err
	}
	alt, err := mixed.NextPart()
	if err != nil {
		return p, err
	}
	parts, err := multipartOf(alt.Header.Get("Content-Type"), "multipart/alternative", alt)
	if err != nil {
		return p, err
	}
	for _, dst := range []*string{&p.Text, &p.HTML} {
		part, err := parts.NextPart()
		if err != nil {
			return p, err
		}
		b, err := io.ReadAll(part) // NextPart undoes quoted-printable
		if err != nil {
			return p, err
		}
		*dst = string(b)
	}
	part, err := mixed.NextPart()
	if errors.Is(err, io.EOF) {
		return p, nil
	} else if err != nil {
		return p, err
	}
	_, params, err := mime.ParseMediaType(part.Header.Get("Content-Type"))
	if err != nil {
		return p, err
	}
	b, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, part))
	if err != nil {
		return p, err
	}
	p.ICS, p.ICSMethod, p.ICSProps = string(b), params["method"], map[string]string{}
	for _, line := range strings.Split(strings.ReplaceAll(p.ICS, "\r\n ", ""), "\r\n") {
		if name, value, ok := strings.Cut(line, ":"); ok {
			p.ICSProps[name] = value
		}
	}
	return p, nil
}

func multipartOf(contentType, want string, body io.Reader) (*multipart.Reader, error) {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil || mediaType != want {
		return nil, fmt.Errorf("Content-Type %q, want %s (%v)", contentType, want, err)
	}
	return multipart.NewReader(body, params["boundary"]), nil
}
