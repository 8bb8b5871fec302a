// Package lang holds the UN's six official languages, the one way to
// choose among them, for a page's reader, a subscriber and a message's
// recipient alike, and their plural rules.
package lang

import (
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// All are the UN's six official languages, in the UN's order.
var All = []string{"ar", "zh", "en", "fr", "ru", "es"}

// Default serves whoever reads none of the others.
const Default = "en"

var (
	tags = func() []language.Tag {
		out := make([]language.Tag, len(All))
		for i, code := range All {
			out[i] = language.MustParse(code)
		}
		return out
	}()
	matcher = language.NewMatcher(tags)
)

// Match is the language of All that best serves someone who asks in
// accept: an Accept-Language header (RFC 9110, weighed by its q-values) or
// a single tag such as "fr-CH", "es-419" or "zh_Hant". Matching is CLDR's:
// a region or script is only a preference (zh-Hant-TW reads zh), and a
// close language counts (gl reads es). A header that does not parse, or
// that names no language close to one of the six, gets Default.
func Match(accept string) string {
	asked, _, err := language.ParseAcceptLanguage(accept)
	if err != nil || len(asked) == 0 {
		return Default
	}
	_, i, confidence := matcher.Match(asked...)
	if confidence == language.No {
		return Default
	}
	return All[i]
}

// categories are CLDR's plural categories, by x/text's plural.Form.
var categories = map[plural.Form]string{plural.Zero: "zero", plural.One: "one", plural.Two: "two",
	plural.Few: "few", plural.Many: "many", plural.Other: "other"}

// Plural is the CLDR plural category of the whole number n in the language
// code (one of All): "zero", "one", "two", "few", "many" or "other". A
// message picks its wording by it, so that English says "1 day" and
// Russian "2 дня".
func Plural(code string, n int) string {
	return categories[plural.Cardinal.MatchPlural(language.Make(code), n, 0, 0, 0, 0)]
}
