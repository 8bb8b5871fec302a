package notify_test

import (
	"encoding/json"
	"net/mail"
	"strings"
	"testing"

	"github.com/compact-un/compact/internal/lang"
	"github.com/compact-un/compact/notify"
)

// TestMovedWindowMessages: a moved opening and a moved deadline name their
// instants in the venue's zone, as the stage's page shows them: the
// opening at its time of day, the deadline given as a date alone at that
// day's 24:00; every language writes them, none leaves a raw timestamp.
func TestMovedWindowMessages(t *testing.T) {
	want := map[string]struct {
		data map[string]any
		text string
	}{
		"opening.moved": {map[string]any{"seq": 1, "from": "2031-05-01T07:00:00Z", "to": "2031-05-03T22:00:00Z", "timeZone": "Europe/Zurich"},
			"now open on 4 May 2031, 00:00 Europe/Zurich (3 May 2031, 22:00 UTC) instead of 1 May 2031, 09:00 Europe/Zurich (1 May 2031, 07:00 UTC)."},
		"deadline.moved": {map[string]any{"seq": 2, "from": "2031-05-10T22:00:00Z", "to": "2031-05-11T04:00:00Z", "timeZone": "America/New_York"},
			"has moved from 10 May 2031, 18:00 America/New_York (10 May 2031, 22:00 UTC) to 10 May 2031, 24:00 America/New_York (11 May 2031, 04:00 UTC)."},
	}
	e := &notify.Email{From: mail.Address{Address: "noreply@compact.example"}, Unsubscribe: unsubscribe}
	for event, w := range want {
		payload, err := json.Marshal(map[string]any{"processId": "gcm-2018", "stageId": "ts1", "event": event, "data": w.data})
		if err != nil {
			t.Fatal(err)
		}
		for _, lang := range lang.All {
			raw, err := e.Compose(notify.Message{Key: "gcm-2018/ts1/" + event + "|a@example.org|email", ProcessID: "gcm-2018",
				Process: "Global Compact for Migration", Event: event, Recipient: "a@example.org", Language: lang,
				Payload: payload, CreatedAt: created})
			if err != nil {
				t.Fatalf("%s %s: %v", lang, event, err)
			}
			r := parse(t, raw)
			if strings.Contains(r.text, "T22:00") || strings.Contains(r.text, "<no value>") {
				t.Errorf("%s %s: %s", lang, event, r.text)
			}
			if lang == "en" && !strings.Contains(r.text, w.text) {
				t.Errorf("%s: text lacks %q:\n%s", event, w.text, r.text)
			}
		}
	}
}
