package lang_test

import (
	"testing"

	"github.com/compact-un/compact/internal/lang"
)

func TestMatch(t *testing.T) {
	for accept, want := range map[string]string{
		"":                             "en",
		"fr":                           "fr",
		"fr-CH":                        "fr",
		"fr_CH":                        "fr", // as some clients and stored settings write it
		"ar-EG":                        "ar",
		"zh-Hans-CN":                   "zh",
		"zh-Hant-TW":                   "zh", // the UN writes Simplified Chinese: still the closest
		"zh_Hant":                      "zh",
		"es-419":                       "es",
		"RU":                           "ru",
		"de":                           "en", // none of the six
		"de-CH, fr;q=0.1":              "fr", // a weak match beats none
		"fr;q=0.5, ru;q=0.9":           "ru", // weights, not order
		"es-ES;q=0.2, en;q=0.1":        "es",
		"en-GB,en;q=0.9,ru;q=0.8":      "en",
		"ar;q=0, fr":                   "fr", // q=0 is "not this one"
		"*":                            "en",
		"de, *;q=0.5":                  "en",
		"uk":                           "en", // CLDR does not take Ukrainian readers to Russian
		"fr;q=abc":                     "en", // malformed: the header is ignored
		"x;;;":                         "en",
		"zh-Hant-TW,zh;q=0.9,en;q=0.8": "zh",
	} {
		if got := lang.Match(accept); got != want {
			t.Errorf("Match(%q) = %q, want %q", accept, got, want)
		}
	}
}

func TestPlural(t *testing.T) {
	for _, tt := range []struct {
		code string
		n    int
		want string
	}{
		{"en", 1, "one"}, {"en", 0, "other"}, {"en", 21, "other"},
		{"fr", 0, "one"}, {"fr", 1, "one"}, {"fr", 2, "other"},
		{"es", 1, "one"}, {"es", 1000000, "other"},
		{"ru", 1, "one"}, {"ru", 21, "one"}, {"ru", 3, "few"}, {"ru", 11, "many"}, {"ru", 25, "many"},
		{"ar", 0, "zero"}, {"ar", 1, "one"}, {"ar", 2, "two"}, {"ar", 7, "few"}, {"ar", 11, "many"}, {"ar", 100, "other"},
		{"zh", 1, "other"},
	} {
		if got := lang.Plural(tt.code, tt.n); got != tt.want {
			t.Errorf("Plural(%s, %d) = %q, want %q", tt.code, tt.n, got, tt.want)
		}
	}
}
