package notify

import (
	"slices"
	"strings"
	"testing"
	"text/template/parse"

	"github.com/compact-un/compact/internal/lang"
)

// TestPluralFormsComplete: every plural in every language's messages has
// a wording for each plural category the language's CLDR rules give.
func TestPluralFormsComplete(t *testing.T) {
	for _, code := range lang.All {
		needed := map[string]bool{}
		for n := range 1_000_001 {
			if n <= 1000 || n%1000 == 0 {
				needed[lang.Plural(code, n)] = true
			}
		}
		for _, tmpl := range catalog[code].tmpl.Templates() {
			if tmpl.Tree == nil {
				continue
			}
			walk(tmpl.Tree.Root, func(cmd *parse.CommandNode) {
				if id, ok := cmd.Args[0].(*parse.IdentifierNode); !ok || id.Ident != "plural" {
					return
				}
				var have []string
				for i := 2; i < len(cmd.Args); i += 2 {
					if s, ok := cmd.Args[i].(*parse.StringNode); ok {
						have = append(have, s.Text)
					}
				}
				for category := range needed {
					if !slices.Contains(have, category) {
						t.Errorf("%s %s: %s lacks the %q form", code, tmpl.Name(), cmd, category)
					}
				}
				for _, category := range have {
					if !needed[category] {
						t.Errorf("%s %s: %s has a %q form the language never uses", code, tmpl.Name(), cmd, category)
					}
				}
			})
		}
	}
}

// walk calls f on every command under n.
func walk(n parse.Node, f func(*parse.CommandNode)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n != nil {
			for _, c := range n.Nodes {
				walk(c, f)
			}
		}
	case *parse.ActionNode:
		walk(n.Pipe, f)
	case *parse.PipeNode:
		if n != nil {
			for _, c := range n.Cmds {
				walk(c, f)
			}
		}
	case *parse.CommandNode:
		f(n)
		for _, a := range n.Args {
			walk(a, f)
		}
	case *parse.IfNode:
		walk(n.Pipe, f)
		walk(n.List, f)
		walk(n.ElseList, f)
	case *parse.RangeNode:
		walk(n.Pipe, f)
		walk(n.List, f)
		walk(n.ElseList, f)
	case *parse.WithNode:
		walk(n.Pipe, f)
		walk(n.List, f)
		walk(n.ElseList, f)
	}
}

// TestPluralWording: a count agrees with its noun in each language.
func TestPluralWording(t *testing.T) {
	reminder := func(days float64) view { // numbers come from JSON
		return view{Stage: "ts1", Event: "window.reminder", Data: map[string]any{"days": days}}
	}
	list := view{Stage: "ts1", Event: "list.decided", Data: map[string]any{"list": 1.0, "approved": []any{"ngo-1", "ngo-2"}, "rejected": []any{"ngo-3"}}}
	for _, tt := range []struct {
		code, part string
		v          view
		want       string
	}{
		{"en", "title", reminder(1), "1 day left to contribute (ts1)"},
		{"en", "title", reminder(7), "7 days left to contribute (ts1)"},
		{"fr", "title", reminder(1), "plus que 1 jour pour contribuer (ts1)"},
		{"fr", "title", reminder(0), "plus que 0 jour pour contribuer (ts1)"},
		{"es", "title", reminder(1), "queda 1 día para contribuir (ts1)"},
		{"es", "title", reminder(3), "quedan 3 días para contribuir (ts1)"},
		{"fr", "body", list, "La liste d’accréditation 1 est arrêtée : 2 demandes approuvées, 1 non approuvée."},
		{"es", "body", list, "Se ha decidido la lista de acreditación 1: 2 solicitudes aprobadas y 1 no aprobada."},
	} {
		got, err := catalog[tt.code].render(tt.part, tt.v)
		if err != nil {
			t.Fatal(err)
		}
		if first, _, _ := strings.Cut(got, "\n"); first != tt.want {
			t.Errorf("%s %s: %q, want %q", tt.code, tt.v.Event, first, tt.want)
		}
	}
}
