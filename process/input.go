package process

import (
	"cmp"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxNameLength bounds the name of a party, an organisation or a person, in
// characters.
const MaxNameLength = 300

// The years a process may fall in: none came before the United Nations,
// and a date past 2100 is a typing error, not a plan.
const (
	FirstYear = 1945
	LastYear  = 2100
)

// CleanName is a name of a party, an organisation or a person as Compact
// keeps it: composed (NFC), so that one name is one string wherever it was
// typed, and trimmed. It refuses an empty or overlong name, and one holding
// characters that hide or reorder what a reader sees, so that two names
// that look alike are alike: controls, format characters (bidirectional
// embeddings, overrides and isolates, zero-width spaces and joiners, marks)
// and line or paragraph separators.
func CleanName(s string) (string, error) {
	const op = "process.CleanName"
	if !utf8.ValidString(s) {
		return "", Errorf(op, Invalid, "is not valid UTF-8")
	}
	s = strings.TrimSpace(norm.NFC.String(s))
	if n := utf8.RuneCountInString(s); n == 0 || n > MaxNameLength {
		return "", Errorf(op, Invalid, "want 1 to %d characters, not %d", MaxNameLength, n)
	}
	for _, r := range s {
		if unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp) {
			return "", Errorf(op, Invalid, "holds the invisible or reordering character %U", r)
		}
	}
	return s, nil
}

// CheckDate refuses a date outside the years a process may fall in.
func CheckDate(t time.Time) error {
	if y := t.UTC().Year(); y < FirstYear || y > LastYear {
		return Errorf("process.CheckDate", Invalid, "%s is outside the years %d to %d", t.UTC().Format(time.DateOnly), FirstYear, LastYear)
	}
	return nil
}

// nameKeys are the JSON keys whose strings name a party, an organisation
// or a person, wherever they appear in a request.
var nameKeys = map[string]bool{"party": true, "name": true}

var dateType = reflect.TypeFor[Date]()

// CleanInput applies the rules of input to a decoded request, v a pointer:
// CleanName to every non-empty string under a name key, in place, and
// CheckDate to every date. The error names the field, as a path of JSON
// keys and indexes.
func CleanInput(v any) error {
	return cleanValue(reflect.ValueOf(v), "", false)
}

func cleanValue(v reflect.Value, path string, isName bool) error {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return cleanValue(v.Elem(), path, isName)
		}
	case reflect.String:
		if isName && v.Len() > 0 && v.CanSet() {
			clean, err := CleanName(v.String())
			if err != nil {
				return AtField(PathPointer(path), Errorf("process.CleanInput", Invalid, "%s: %s", path, Message(err)))
			}
			v.SetString(clean)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if err := cleanValue(v.Index(i), path+"["+strconv.Itoa(i)+"]", isName); err != nil {
				return err
			}
		}
	case reflect.Struct:
		if v.Type() == dateType {
			if d := v.Interface().(Date); !d.IsZero() {
				if err := CheckDate(d.Time); err != nil {
					return AtField(PathPointer(path), Errorf("process.CleanInput", Invalid, "%s: %s", path, Message(err)))
				}
			}
			return nil
		}
		for i := range v.NumField() {
			f := v.Type().Field(i)
			key, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || key == "-" {
				continue
			}
			fpath := path
			if !f.Anonymous || key != "" {
				fpath = join(path, cmp.Or(key, f.Name))
			}
			if err := cleanValue(v.Field(i), fpath, nameKeys[key]); err != nil {
				return err
			}
		}
	}
	return nil
}

// PathPointer turns a path of JSON keys and indexes as CleanInput names
// fields ("paragraphs[1]", "stage.title") into the JSON pointer (RFC 6901)
// that problem+json answers carry ("/paragraphs/1", "/stage/title").
func PathPointer(path string) string {
	if path == "" {
		return ""
	}
	var b strings.Builder
	for _, key := range strings.Split(strings.ReplaceAll(path, "[", ".["), ".") {
		if key == "" {
			continue
		}
		key = strings.TrimSuffix(strings.TrimPrefix(key, "["), "]")
		b.WriteString("/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(key))
	}
	return b.String()
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
