// Package cldr formats dates, times and numbers in the UN's six languages
// from the Unicode CLDR's data: the pages and the notifications share it.
package cldr

import (
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// calendars are each language's Gregorian calendar formats, copied from the
// Unicode Common Locale Data Repository (CLDR 44, common/main/<lang>.xml,
// calendar type="gregorian"): golang.org/x/text formats numbers from CLDR
// but has no dates. Patterns are CLDR's own, read by format:
//   - date: dateFormatLength type="long";
//   - time: timeFormatLength type="short" (the pages' times are UTC);
//   - monthYear: availableFormats id="yMMMM"; axis: id="yMMM" (the
//     timeline's ticks);
//   - months: monthContext type="format", then "stand-alone" where it
//     differs (Russian's nominative "LLLL"), each wide and abbreviated;
//   - am, pm: dayPeriods format abbreviated.
//
// English is en-GB's, the UN's English; Arabic writes its digits as the
// UN's Arabic documents do, in the Latin numbering system (ar-u-nu-latn),
// which also keeps them the same digits as the document symbols beside
// them.
var calendars = map[string]calendar{
	"en": {
		date: "d MMMM y", time: "HH:mm", monthYear: "MMMM y", axis: "MMM y",
		wide:   months("January February March April May June July August September October November December"),
		abbrev: months("Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec"),
	},
	"fr": {
		date: "d MMMM y", time: "HH:mm", monthYear: "MMMM y", axis: "MMM y",
		wide:   months("janvier février mars avril mai juin juillet août septembre octobre novembre décembre"),
		abbrev: months("janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc."),
	},
	"es": {
		date: "d 'de' MMMM 'de' y", time: "H:mm", monthYear: "MMMM 'de' y", axis: "MMM y",
		wide:   months("enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"),
		abbrev: months("ene feb mar abr may jun jul ago sept oct nov dic"),
	},
	"ru": {
		date: "d MMMM y 'г'.", time: "HH:mm", monthYear: "LLLL y 'г'.", axis: "LLL y 'г'.",
		wide:             months("января февраля марта апреля мая июня июля августа сентября октября ноября декабря"),
		abbrev:           months("янв. февр. мар. апр. мая июн. июл. авг. сент. окт. нояб. дек."),
		wideStandAlone:   months("январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь"),
		abbrevStandAlone: months("янв. февр. март апр. май июнь июль авг. сент. окт. нояб. дек."),
	},
	"zh": {
		date: "y年M月d日", time: "HH:mm", monthYear: "y年M月", axis: "y年M月",
	},
	"ar": {
		date: "d MMMM y", time: "h:mm a", monthYear: "MMMM y", axis: "MMM y", am: "ص", pm: "م",
		wide:   months("يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر"),
		abbrev: months("يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر"),
		digits: "ar-u-nu-latn",
	},
}

type calendar struct {
	date, time, monthYear, axis string
	wide, abbrev                []string // format months, January first
	// The stand-alone months (LLLL, LLL), where they differ.
	wideStandAlone, abbrevStandAlone []string
	am, pm                           string
	digits                           string // the numbers' locale, where not the language's own
}

func months(s string) []string { return strings.Fields(s) }

// Locale formats in one of the six languages; another reads English.
type Locale struct {
	cal     calendar
	numbers *message.Printer
}

// For is lang's locale, English for a language that is not one of the six.
func For(lang string) Locale {
	c, ok := calendars[lang]
	if !ok {
		lang, c = "en", calendars["en"]
	}
	tag := language.Make(lang)
	if c.digits != "" {
		tag = language.Make(c.digits)
	}
	return Locale{cal: c, numbers: message.NewPrinter(tag)}
}

// Date is a day, CLDR's long date: "2 March 2027", "2027年3月2日".
func (l Locale) Date(t time.Time) string { return format(l.cal, l.numbers, l.cal.date, t) }

// Time is a time of day, CLDR's short time: "15:04", "3:04 م".
func (l Locale) Time(t time.Time) string { return format(l.cal, l.numbers, l.cal.time, t) }

// MonthYear names a month as a heading: "May 2017", "май 2017 г.".
func (l Locale) MonthYear(t time.Time) string { return format(l.cal, l.numbers, l.cal.monthYear, t) }

// AxisMonth names a month on a time axis: "May 2017", "mai 2017".
func (l Locale) AxisMonth(t time.Time) string { return format(l.cal, l.numbers, l.cal.axis, t) }

// Number writes a number with the language's digits and separators
// (x/text/number); anything else prints as fmt does.
func (l Locale) Number(v any) string {
	switch n := v.(type) {
	case int, int32, int64, uint, uint32, uint64, float64:
		return l.numbers.Sprint(number.Decimal(n))
	}
	return fmt.Sprint(v)
}

// format writes t by a CLDR date pattern: letters are fields (d, M,
// MMM, MMMM, LLL, LLLL, y, H, HH, h, mm, a) and text in '…' is literal.
func format(c calendar, p *message.Printer, pattern string, t time.Time) string {
	var b strings.Builder
	num := func(n, width int) {
		s := p.Sprint(number.Decimal(n, number.NoSeparator(), number.Pad('0'), number.FormatWidth(width)))
		b.WriteString(s)
	}
	month := func(names, fallback []string) {
		switch {
		case len(names) == 12:
			b.WriteString(names[t.Month()-1])
		case len(fallback) == 12:
			b.WriteString(fallback[t.Month()-1])
		default:
			num(int(t.Month()), 1)
		}
	}
	rs := []rune(pattern)
	for i := 0; i < len(rs); {
		r := rs[i]
		if r == '\'' {
			j := i + 1
			for j < len(rs) && rs[j] != '\'' {
				j++
			}
			b.WriteString(string(rs[i+1 : j]))
			i = j + 1
			continue
		}
		n := 1
		for i+n < len(rs) && rs[i+n] == r {
			n++
		}
		switch {
		case r == 'd':
			num(t.Day(), n)
		case r == 'y':
			num(t.Year(), 1)
		case r == 'H':
			num(t.Hour(), n)
		case r == 'h':
			num((t.Hour()+11)%12+1, n)
		case r == 'm':
			num(t.Minute(), n)
		case r == 'a':
			if t.Hour() < 12 {
				b.WriteString(c.am)
			} else {
				b.WriteString(c.pm)
			}
		case (r == 'M' || r == 'L') && n <= 2:
			num(int(t.Month()), n)
		case r == 'M' && n == 3:
			month(c.abbrev, c.wide)
		case r == 'M':
			month(c.wide, nil)
		case r == 'L' && n == 3:
			month(c.abbrevStandAlone, c.abbrev)
		case r == 'L':
			month(c.wideStandAlone, c.wide)
		default:
			b.WriteString(strings.Repeat(string(r), n))
		}
		i += n
	}
	return b.String()
}
