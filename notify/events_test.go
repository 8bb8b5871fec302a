package notify

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/compact-un/compact/event"
)

// TestMessagesReadTheEventsData: the messages' templates read an event's
// data by its JSON keys; every key a message of a catalogued event reads is
// one of its data's fields, so renaming a field fails here, not in a
// recipient's inbox.
func TestMessagesReadTheEventsData(t *testing.T) {
	dataKey := regexp.MustCompile(`\.Data\.([A-Za-z0-9]+)`)
	for lang, l := range catalog {
		for kind, m := range l.Events {
			if !event.Known(event.Name(kind)) {
				continue // a notice of its own (a digest, a confirmation)
			}
			fresh, err := event.Decode(event.Name(kind), nil)
			if err != nil {
				t.Fatal(err)
			}
			keys := jsonKeys(fresh)
			for _, k := range dataKey.FindAllStringSubmatch(m.Title+m.Body, -1) {
				if !keys[k[1]] {
					t.Errorf("%s, %s: reads .Data.%s, which its data (%T) does not have", lang, kind, k[1], fresh)
				}
			}
		}
	}
}

// jsonKeys are the JSON keys of the struct v points to; none for nil.
func jsonKeys(v any) map[string]bool {
	keys := map[string]bool{}
	if v == nil {
		return keys
	}
	typ := reflect.TypeOf(v).Elem()
	for i := range typ.NumField() {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		keys[name] = true
	}
	return keys
}
