package process

import (
	"slices"
	"sync"
	"time"
)

// MemberState is a UN Member State, by ISO 3166-1 alpha-3 code.
type MemberState struct {
	Code string // ISO 3166-1 alpha-3, e.g. "MEX"
	Name string // short English name as the UN lists it, e.g. "Mexico"
}

// memberStates are the 193 Member States of the United Nations, by code.
// Observer states (Holy See, State of Palestine) are not Member States.
var memberStates = []MemberState{
	{"AFG", "Afghanistan"},
	{"AGO", "Angola"},
	{"ALB", "Albania"},
	{"AND", "Andorra"},
	{"ARE", "United Arab Emirates"},
	{"ARG", "Argentina"},
	{"ARM", "Armenia"},
	{"ATG", "Antigua and Barbuda"},
	{"AUS", "Australia"},
	{"AUT", "Austria"},
	{"AZE", "Azerbaijan"},
	{"BDI", "Burundi"},
	{"BEL", "Belgium"},
	{"BEN", "Benin"},
	{"BFA", "Burkina Faso"},
	{"BGD", "Bangladesh"},
	{"BGR", "Bulgaria"},
	{"BHR", "Bahrain"},
	{"BHS", "Bahamas"},
	{"BIH", "Bosnia and Herzegovina"},
	{"BLR", "Belarus"},
	{"BLZ", "Belize"},
	{"BOL", "Bolivia (Plurinational State of)"},
	{"BRA", "Brazil"},
	{"BRB", "Barbados"},
	{"BRN", "Brunei Darussalam"},
	{"BTN", "Bhutan"},
	{"BWA", "Botswana"},
	{"CAF", "Central African Republic"},
	{"CAN", "Canada"},
	{"CHE", "Switzerland"},
	{"CHL", "Chile"},
	{"CHN", "China"},
	{"CIV", "Côte d'Ivoire"},
	{"CMR", "Cameroon"},
	{"COD", "Democratic Republic of the Congo"},
	{"COG", "Congo"},
	{"COL", "Colombia"},
	{"COM", "Comoros"},
	{"CPV", "Cabo Verde"},
	{"CRI", "Costa Rica"},
	{"CUB", "Cuba"},
	{"CYP", "Cyprus"},
	{"CZE", "Czechia"},
	{"DEU", "Germany"},
	{"DJI", "Djibouti"},
	{"DMA", "Dominica"},
	{"DNK", "Denmark"},
	{"DOM", "Dominican Republic"},
	{"DZA", "Algeria"},
	{"ECU", "Ecuador"},
	{"EGY", "Egypt"},
	{"ERI", "Eritrea"},
	{"ESP", "Spain"},
	{"EST", "Estonia"},
	{"ETH", "Ethiopia"},
	{"FIN", "Finland"},
	{"FJI", "Fiji"},
	{"FRA", "France"},
	{"FSM", "Micronesia (Federated States of)"},
	{"GAB", "Gabon"},
	{"GBR", "United Kingdom of Great Britain and Northern Ireland"},
	{"GEO", "Georgia"},
	{"GHA", "Ghana"},
	{"GIN", "Guinea"},
	{"GMB", "Gambia"},
	{"GNB", "Guinea-Bissau"},
	{"GNQ", "Equatorial Guinea"},
	{"GRC", "Greece"},
	{"GRD", "Grenada"},
	{"GTM", "Guatemala"},
	{"GUY", "Guyana"},
	{"HND", "Honduras"},
	{"HRV", "Croatia"},
	{"HTI", "Haiti"},
	{"HUN", "Hungary"},
	{"IDN", "Indonesia"},
	{"IND", "India"},
	{"IRL", "Ireland"},
	{"IRN", "Iran (Islamic Republic of)"},
	{"IRQ", "Iraq"},
	{"ISL", "Iceland"},
	{"ISR", "Israel"},
	{"ITA", "Italy"},
	{"JAM", "Jamaica"},
	{"JOR", "Jordan"},
	{"JPN", "Japan"},
	{"KAZ", "Kazakhstan"},
	{"KEN", "Kenya"},
	{"KGZ", "Kyrgyzstan"},
	{"KHM", "Cambodia"},
	{"KIR", "Kiribati"},
	{"KNA", "Saint Kitts and Nevis"},
	{"KOR", "Republic of Korea"},
	{"KWT", "Kuwait"},
	{"LAO", "Lao People's Democratic Republic"},
	{"LBN", "Lebanon"},
	{"LBR", "Liberia"},
	{"LBY", "Libya"},
	{"LCA", "Saint Lucia"},
	{"LIE", "Liechtenstein"},
	{"LKA", "Sri Lanka"},
	{"LSO", "Lesotho"},
	{"LTU", "Lithuania"},
	{"LUX", "Luxembourg"},
	{"LVA", "Latvia"},
	{"MAR", "Morocco"},
	{"MCO", "Monaco"},
	{"MDA", "Republic of Moldova"},
	{"MDG", "Madagascar"},
	{"MDV", "Maldives"},
	{"MEX", "Mexico"},
	{"MHL", "Marshall Islands"},
	{"MKD", "North Macedonia"},
	{"MLI", "Mali"},
	{"MLT", "Malta"},
	{"MMR", "Myanmar"},
	{"MNE", "Montenegro"},
	{"MNG", "Mongolia"},
	{"MOZ", "Mozambique"},
	{"MRT", "Mauritania"},
	{"MUS", "Mauritius"},
	{"MWI", "Malawi"},
	{"MYS", "Malaysia"},
	{"NAM", "Namibia"},
	{"NER", "Niger"},
	{"NGA", "Nigeria"},
	{"NIC", "Nicaragua"},
	{"NLD", "Netherlands (Kingdom of the)"},
	{"NOR", "Norway"},
	{"NPL", "Nepal"},
	{"NRU", "Nauru"},
	{"NZL", "New Zealand"},
	{"OMN", "Oman"},
	{"PAK", "Pakistan"},
	{"PAN", "Panama"},
	{"PER", "Peru"},
	{"PHL", "Philippines"},
	{"PLW", "Palau"},
	{"PNG", "Papua New Guinea"},
	{"POL", "Poland"},
	{"PRK", "Democratic People's Republic of Korea"},
	{"PRT", "Portugal"},
	{"PRY", "Paraguay"},
	{"QAT", "Qatar"},
	{"ROU", "Romania"},
	{"RUS", "Russian Federation"},
	{"RWA", "Rwanda"},
	{"SAU", "Saudi Arabia"},
	{"SDN", "Sudan"},
	{"SEN", "Senegal"},
	{"SGP", "Singapore"},
	{"SLB", "Solomon Islands"},
	{"SLE", "Sierra Leone"},
	{"SLV", "El Salvador"},
	{"SMR", "San Marino"},
	{"SOM", "Somalia"},
	{"SRB", "Serbia"},
	{"SSD", "South Sudan"},
	{"STP", "Sao Tome and Principe"},
	{"SUR", "Suriname"},
	{"SVK", "Slovakia"},
	{"SVN", "Slovenia"},
	{"SWE", "Sweden"},
	{"SWZ", "Eswatini"},
	{"SYC", "Seychelles"},
	{"SYR", "Syrian Arab Republic"},
	{"TCD", "Chad"},
	{"TGO", "Togo"},
	{"THA", "Thailand"},
	{"TJK", "Tajikistan"},
	{"TKM", "Turkmenistan"},
	{"TLS", "Timor-Leste"},
	{"TON", "Tonga"},
	{"TTO", "Trinidad and Tobago"},
	{"TUN", "Tunisia"},
	{"TUR", "Türkiye"},
	{"TUV", "Tuvalu"},
	{"TZA", "United Republic of Tanzania"},
	{"UGA", "Uganda"},
	{"UKR", "Ukraine"},
	{"URY", "Uruguay"},
	{"USA", "United States of America"},
	{"UZB", "Uzbekistan"},
	{"VCT", "Saint Vincent and the Grenadines"},
	{"VEN", "Venezuela (Bolivarian Republic of)"},
	{"VNM", "Viet Nam"},
	{"VUT", "Vanuatu"},
	{"WSM", "Samoa"},
	{"YEM", "Yemen"},
	{"ZAF", "South Africa"},
	{"ZMB", "Zambia"},
	{"ZWE", "Zimbabwe"},
}

// memberStateCodes is the set of Member State codes, built once.
var memberStateCodes = sync.OnceValue(func() map[string]struct{} {
	m := make(map[string]struct{}, len(memberStates))
	for _, s := range memberStates {
		m[s.Code] = struct{}{}
	}
	return m
})

// MemberStates returns the 193 Member States, sorted by code. It returns a
// fresh copy on each call, so the caller may modify it freely.
func MemberStates() []MemberState {
	return slices.Clone(memberStates)
}

// IsMemberState reports whether code is a Member State's ISO alpha-3 code.
// The comparison is exact: code must be upper case.
func IsMemberState(code string) bool {
	_, ok := memberStateCodes()[code]
	return ok
}

// formerNames are the names the UN used for a Member State before the one
// in memberStates, each until the day the new name took effect
// (process/templates/SOURCES.md says where each comes from).
var formerNames = map[string][]struct {
	Name  string
	Until string // YYYY-MM-DD, the first day of the next name
}{
	"CZE": {{"Czech Republic", "2019-01-01"}}, // GA/12113 (19 December 2018) still says Czech Republic; the day of the change is unconfirmed
	"MKD": {{"The former Yugoslav Republic of Macedonia", "2019-02-14"}},
	"SWZ": {{"Swaziland", "2018-04-19"}},
	"TUR": {{"Turkey", "2022-06-01"}},
}

// StateNameOn is the name the UN used for a Member State on a day: a record
// of a 2018 act names the States as they were named then.
func StateNameOn(code string, on time.Time) string {
	for _, f := range formerNames[code] {
		if until, err := time.Parse(time.DateOnly, f.Until); err == nil && on.Before(until) {
			return f.Name
		}
	}
	if i := slices.IndexFunc(memberStates, func(s MemberState) bool { return s.Code == code }); i >= 0 {
		return memberStates[i].Name
	}
	return code
}
