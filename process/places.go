package process

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

// places.json names the places the built-in templates and the tests'
// venues use in the UN's other five languages, by their English name. A
// place is official where its names are the UN's own, cited in its
// source; the others are Compact's, and the pages mark them as they mark
// Compact's translations of a template's words.
//
//go:embed places.json
var placesJSON []byte

// place is one place's names in the other five languages.
type place struct {
	Official bool              `json:"official"`
	Source   string            `json:"source"`
	Names    map[string]string `json:"names"`
}

var places = func() map[string]place {
	var m map[string]place
	if err := json.Unmarshal(placesJSON, &m); err != nil {
		panic(fmt.Sprintf("process: places.json: %v", err))
	}
	return m
}()

// PlaceIn is a venue's name in lang, given its English name: English for a
// place the list lacks, as the office may name any.
func PlaceIn(lang, name string) Words {
	if p, ok := places[name]; ok && p.Names[lang] != "" && lang != "en" {
		return Words{Text: p.Names[lang], Lang: lang, Official: p.Official}
	}
	return Words{Text: name, Lang: "en", Official: true}
}
