package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/compact-un/compact/client"
	"github.com/compact-un/compact/text"
	"github.com/compact-un/compact/wire"
)

// The negotiated text's reading commands: text export, compile and diff,
// and search, through the API (--server).

// rawCall fetches a format other than JSON and prints it as it came.
func rawCall(o *opsFlags, stdout io.Writer, call func(context.Context, *client.Client) ([]byte, error)) error {
	return opsCall(o, stdout, call, func(b []byte) error { return writeRaw(stdout, b) })
}

// formatFlag registers --format, whose value must be one of formats; the
// first is the default.
func formatFlag(cmd *cobra.Command, usage string, formats ...string) *string {
	format := cmd.Flags().String("format", formats[0], usage)
	fixed(cmd, "format", formats...)
	return format
}

// checkFormat checks --format against the formats a command gives.
func checkFormat(format string, allowed ...string) error {
	if !slices.Contains(allowed, format) {
		return fmt.Errorf("--format %q: want %s", format, strings.Join(allowed, ", "))
	}
	return nil
}

func newTextExportCmd() *cobra.Command {
	var o opsFlags
	cmd := opsCmd("export ID", "print a revision in Akoma Ntoso, Markdown or JSON",
		"Prints a revision of a process's negotiated text in Akoma Ntoso, Markdown or JSON; a draft not yet issued needs the PGA office's or a co-facilitator's token.", &o)
	revision := cmd.Flags().Int("revision", 0, "the revision, 0 for the zero draft")
	formats := []string{wire.FormatAKN, wire.FormatMarkdown, "json"}
	format := formatFlag(cmd, "akn (Akoma Ntoso 3.0), markdown or json", formats...)
	required(cmd, "revision")
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		if *revision < 0 {
			return fmt.Errorf("--revision %d: 0 or more", *revision)
		}
		if err := checkFormat(*format, formats...); err != nil {
			return err
		}
		if *format == "json" || o.json {
			o.json = true
			return opsCall(&o, cmd.OutOrStdout(), func(ctx context.Context, c *client.Client) (wire.TextRevision, error) {
				return c.TextRevision(ctx, pos[0], *revision)
			}, nil)
		}
		return rawCall(&o, cmd.OutOrStdout(), func(ctx context.Context, c *client.Client) ([]byte, error) {
			return c.ExportTextRevision(ctx, pos[0], *revision, *format)
		})
	}
	return cmd
}

func newTextCompileCmd() *cobra.Command {
	var o opsFlags
	cmd := opsCmd("compile ID", "print the compilation, every proposal in place",
		"Prints the compilation text: a revision with every pending proposal in place, bracketed and attributed, with the positions' counts and the co-facilitators' marks.", &o)
	revision := cmd.Flags().Int("revision", client.Latest, "the revision; default the latest you may read")
	formats := []string{wire.FormatText, wire.FormatAKN, "json"}
	format := formatFlag(cmd, "text (the rolling text), akn (Akoma Ntoso 3.0) or json", formats...)
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		if *revision < client.Latest {
			return fmt.Errorf("--revision %d: 0 or more", *revision)
		}
		if err := checkFormat(*format, formats...); err != nil {
			return err
		}
		if *format == "json" || o.json {
			o.json = true
			return opsCall(&o, cmd.OutOrStdout(), func(ctx context.Context, c *client.Client) (wire.TextCompilation, error) {
				return c.Compilation(ctx, pos[0], *revision)
			}, nil)
		}
		return rawCall(&o, cmd.OutOrStdout(), func(ctx context.Context, c *client.Client) ([]byte, error) {
			return c.ExportCompilation(ctx, pos[0], *revision, *format)
		})
	}
	return cmd
}

func newTextDiffCmd() *cobra.Command {
	var o opsFlags
	cmd := opsCmd("diff ID", "two revisions word by word",
		"Prints the differences between two revisions, word by word inside the paragraphs: [-removed-] and {+added+} words, moved paragraphs marked.", &o)
	from := cmd.Flags().Int("from", 0, "the old revision")
	to := cmd.Flags().Int("to", 0, "the new revision")
	required(cmd, "from", "to")
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		if *from < 0 || *to < 0 {
			return fmt.Errorf("--from %d --to %d: 0 or more", *from, *to)
		}
		return opsCall(&o, cmd.OutOrStdout(), func(ctx context.Context, c *client.Client) (wire.TextDiff, error) {
			return c.TextDiff(ctx, pos[0], *from, *to)
		}, func(d wire.TextDiff) error {
			return printTextDiff(cmd.OutOrStdout(), d)
		})
	}
	return cmd
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

func newSearchCmd() *cobra.Command {
	var o opsFlags
	cmd := opsCmd("search ID QUERY", "search a process's contributions, text and amendments",
		`Searches a process's contributions, text and amendments: words, "phrases", -exclusions and OR; matching words are shown between « and ». Your token shows what it may read besides the public.`, &o)
	offset := cmd.Flags().Int("offset", 0, "hits to skip, at most 400")
	limit := cmd.Flags().Int("limit", 20, "hits in a page, 1 to 100")
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		return search(cmd.OutOrStdout(), &o, pos[0], pos[1], *offset, *limit)
	}
	return cmd
}

func search(stdout io.Writer, o *opsFlags, id, query string, offset, limit int) error {
	return opsCall(o, stdout, func(ctx context.Context, c *client.Client) (wire.SearchPage, error) {
		return c.Search(ctx, id, query, offset, limit)
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
