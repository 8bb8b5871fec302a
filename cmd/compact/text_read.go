package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/compact-un/compact/client"
	"github.com/compact-un/compact/text"
	"github.com/compact-un/compact/wire"
)

// The negotiated text's reading commands: text export, compile and diff,
// and search, through the API (--server).

const textUsage = `Usage: compact text <command> [flags]

Reads a process's negotiated text, and records the co-facilitators'
decisions on it, through the HTTP API (--server).

Commands:
  export   a revision: compact text export ID --revision N [--format akn|markdown|json]
  compile  the compilation, every proposal in place: compact text compile ID [--revision N] [--format text|akn|json]
  diff     two revisions word by word: compact text diff ID --from A --to B
  decide   decide an amendment of the latest revision:
           compact text decide ID AMENDMENT --outcome incorporated|merged|not-retained [--note TEXT] [--text TEXT]
  mark     mark a paragraph of the latest revision, by its ID or its label (OP12, PP3):
           compact text mark ID REVISION PARAGRAPH --status agreed-ad-ref|agreed|open [--note TEXT]

Run 'compact text <command> -h' for a command's flags.
`

func textCmd(args []string, stdout, stderr io.Writer) int {
	return opsDispatch("text", textUsage, map[string]opsCommand{
		"export": textExportCmd, "compile": textCompileCmd, "diff": textDiffCmd,
		"decide": textDecideCmd, "mark": textMarkCmd,
	}, args, stdout, stderr)
}

// rawCall fetches a format other than JSON and prints it as it came.
func rawCall(prefix string, o *opsFlags, stdout, stderr io.Writer, call func(context.Context, *client.Client) ([]byte, error)) int {
	return opsCall(prefix, o, stdout, stderr, call, func(b []byte) error { return writeRaw(stdout, b) })
}

// formatFlag checks --format against the formats a command gives.
func formatFlag(prefix, format string, stderr io.Writer, allowed ...string) bool {
	if !slices.Contains(allowed, format) {
		fmt.Fprintf(stderr, "%s: --format %q: want %s\n", prefix, format, strings.Join(allowed, ", "))
		return false
	}
	return true
}

func textExportCmd(args []string, stdout, stderr io.Writer) int {
	const prefix = "compact text export"
	fs := newFlags("text export ID", "Prints a revision of a process's negotiated text in Akoma Ntoso, Markdown or JSON; a draft not yet issued needs the PGA office's or a co-facilitator's token.", stderr)
	var o opsFlags
	o.register(fs)
	revision := fs.Int("revision", -1, "the revision, 0 for the zero draft (required)")
	format := fs.String("format", wire.FormatAKN, "akn (Akoma Ntoso 3.0), markdown or json")
	pos, code, ok := parseOps(fs, prefix, args, "ID")
	if !ok {
		return code
	}
	switch {
	case *revision < 0:
		fmt.Fprintf(stderr, "%s: --revision is required, 0 or more\n", prefix)
		return 2
	case !formatFlag(prefix, *format, stderr, wire.FormatAKN, wire.FormatMarkdown, "json"):
		return 2
	}
	if *format == "json" || o.json {
		o.json = true
		return opsCall(prefix, &o, stdout, stderr, func(ctx context.Context, c *client.Client) (wire.TextRevision, error) {
			return c.TextRevision(ctx, pos[0], *revision)
		}, nil)
	}
	return rawCall(prefix, &o, stdout, stderr, func(ctx context.Context, c *client.Client) ([]byte, error) {
		return c.ExportTextRevision(ctx, pos[0], *revision, *format)
	})
}

func textCompileCmd(args []string, stdout, stderr io.Writer) int {
	const prefix = "compact text compile"
	fs := newFlags("text compile ID", "Prints the compilation text: a revision with every pending proposal in place, bracketed and attributed, with the positions' counts and the co-facilitators' marks.", stderr)
	var o opsFlags
	o.register(fs)
	revision := fs.Int("revision", client.Latest, "the revision; default the latest you may read")
	format := fs.String("format", wire.FormatText, "text (the rolling text), akn (Akoma Ntoso 3.0) or json")
	pos, code, ok := parseOps(fs, prefix, args, "ID")
	if !ok {
		return code
	}
	switch {
	case *revision < client.Latest:
		fmt.Fprintf(stderr, "%s: --revision %d: 0 or more\n", prefix, *revision)
		return 2
	case !formatFlag(prefix, *format, stderr, wire.FormatText, wire.FormatAKN, "json"):
		return 2
	}
	if *format == "json" || o.json {
		o.json = true
		return opsCall(prefix, &o, stdout, stderr, func(ctx context.Context, c *client.Client) (wire.TextCompilation, error) {
			return c.Compilation(ctx, pos[0], *revision)
		}, nil)
	}
	return rawCall(prefix, &o, stdout, stderr, func(ctx context.Context, c *client.Client) ([]byte, error) {
		return c.ExportCompilation(ctx, pos[0], *revision, *format)
	})
}

func textDiffCmd(args []string, stdout, stderr io.Writer) int {
	const prefix = "compact text diff"
	fs := newFlags("text diff ID", "Prints the differences between two revisions, word by word inside the paragraphs: [-removed-] and {+added+} words, moved paragraphs marked.", stderr)
	var o opsFlags
	o.register(fs)
	from := fs.Int("from", -1, "the old revision (required)")
	to := fs.Int("to", -1, "the new revision (required)")
	pos, code, ok := parseOps(fs, prefix, args, "ID")
	if !ok {
		return code
	}
	if *from < 0 || *to < 0 {
		fmt.Fprintf(stderr, "%s: --from and --to are required, 0 or more\n", prefix)
		return 2
	}
	return opsCall(prefix, &o, stdout, stderr, func(ctx context.Context, c *client.Client) (wire.TextDiff, error) {
		return c.TextDiff(ctx, pos[0], *from, *to)
	}, func(d wire.TextDiff) error {
		return printTextDiff(stdout, d)
	})
}

// printTextDiff writes each paragraph that changed: its numbers in both
// revisions, what became of it, and its words.
func printTextDiff(w io.Writer, d wire.TextDiff) error {
	fmt.Fprintf(w, "revision %d → %d\n", d.From, d.To)
	changed := 0
	for _, c := range d.Changes {
		if c.Op == text.Kept && !c.Moved {
			continue
		}
		changed++
		what := string(c.Op)
		if c.Moved {
			what += ", moved"
		}
		fmt.Fprintf(w, "\n%s → %s (%s, %s)\n", orDash(c.OldNum), orDash(c.NewNum), c.ID, what)
		switch c.Op {
		case text.Removed:
			fmt.Fprintf(w, "  [-%s-]\n", c.Text)
		case text.Added:
			fmt.Fprintf(w, "  {+%s+}\n", c.Text)
		case text.Edited:
			fmt.Fprintf(w, "  %s\n", spanText(c.Words))
		default:
			fmt.Fprintf(w, "  %s\n", c.Text)
		}
	}
	_, err := fmt.Fprintf(w, "\n%d of %d paragraphs changed\n", changed, len(d.Changes))
	return err
}

// spanText writes a word diff with [-removed-] and {+added+} words.
func spanText(spans []text.Span) string {
	parts := make([]string, len(spans))
	for i, s := range spans {
		switch s.Op {
		case "-":
			parts[i] = "[-" + s.Text + "-]"
		case "+":
			parts[i] = "{+" + s.Text + "+}"
		default:
			parts[i] = s.Text
		}
	}
	return strings.Join(parts, " ")
}

func searchCmd(args []string, stdout, stderr io.Writer) int {
	const prefix = "compact search"
	fs := newFlags("search ID QUERY", `Searches a process's contributions, text and amendments: words, "phrases", -exclusions and OR; matching words are shown between « and ». Your token shows what it may read besides the public.`, stderr)
	var o opsFlags
	o.register(fs)
	offset := fs.Int("offset", 0, "hits to skip, at most 400")
	limit := fs.Int("limit", 20, "hits in a page, 1 to 100")
	pos, code, ok := parseOps(fs, prefix, args, "ID", "QUERY")
	if !ok {
		return code
	}
	return opsCall(prefix, &o, stdout, stderr, func(ctx context.Context, c *client.Client) (wire.SearchPage, error) {
		return c.Search(ctx, pos[0], pos[1], *offset, *limit)
	}, func(p wire.SearchPage) error {
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		for _, h := range p.Hits {
			var where string
			switch h.Kind {
			case "contribution":
				where = h.Tracking
			case "amendment":
				where = fmt.Sprintf("rev %d %s", h.Revision, h.Amendment)
			default:
				where = fmt.Sprintf("rev %d %s", h.Revision, h.Paragraph)
			}
			var snippet strings.Builder
			for _, f := range h.Snippet {
				if f.Match {
					snippet.WriteString("«" + f.Text + "»")
				} else {
					snippet.WriteString(f.Text)
				}
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", h.Kind, where, h.Label, strings.Join(strings.Fields(snippet.String()), " "))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		next := ""
		if p.More {
			next = fmt.Sprintf("; more with --offset %d", p.Offset+len(p.Hits))
		}
		_, err := fmt.Fprintf(stdout, "%d hits from %d%s\n", len(p.Hits), p.Offset+1, next)
		return err
	})
}
