package notify_test

import (
	"encoding/json"
	"net/mail"
	"strings"
	"testing"

	"github.com/compact-un/compact/internal/lang"
	"github.com/compact-un/compact/notify"
)

// TestSilenceMessages renders a silence's events, with the data the
// Silence workflow records, in every language; the English says what
// happened and when, in the venue's zone.
func TestSilenceMessages(t *testing.T) {
	deadline := map[string]any{"deadline": "2017-02-01T05:00:00Z", "timeZone": "America/New_York"}
	with := func(data map[string]any) map[string]any {
		for k, v := range deadline {
			data[k] = v
		}
		return data
	}
	want := map[string]struct {
		data map[string]any
		text string
	}{
		"silence.placed": {with(map[string]any{"title": "Draft modalities"}),
			"The text of stage silence is under silence until 31 January 2017, 24:00 America/New_York (1 February 2017, 05:00 UTC)."},
		"silence.broken": {with(map[string]any{"state": "HUN", "letterSha256": "ab12", "proposalSha256": "cd34"}),
			"HUN broke the silence on stage silence before its deadline, 31 January 2017, 24:00 America/New_York"},
		"silence.passed": {with(map[string]any{"outcome": "passed"}), "No Member State broke the silence on stage silence"},
		"silence.ended":  {with(map[string]any{"outcome": "not-in-sources"}), "the sources give no outcome, so none is recorded."},
	}
	e := &notify.Email{From: mail.Address{Address: "noreply@compact.example"}, Unsubscribe: unsubscribe}
	for event, w := range want {
		payload, err := json.Marshal(map[string]any{"processId": "gcm-2018", "stageId": "silence", "event": event, "data": w.data})
		if err != nil {
			t.Fatal(err)
		}
		for _, lang := range lang.All {
			raw, err := e.Compose(notify.Message{Key: "gcm-2018/silence/" + event + "|a@example.org|email", ProcessID: "gcm-2018",
				Process: "Global Compact for Migration", Event: event, Recipient: "a@example.org", Language: lang,
				Payload: payload, CreatedAt: created})
			if err != nil {
				t.Fatalf("%s %s: %v", lang, event, err)
			}
			r := parse(t, raw)
			if strings.Contains(r.text, "<no value>") || strings.Contains(r.text, "Event recorded:") {
				t.Errorf("%s %s: %s", lang, event, r.text)
			}
			if lang == "en" && !strings.Contains(r.text, w.text) {
				t.Errorf("%s: text lacks %q:\n%s", event, w.text, r.text)
			}
		}
	}
}
