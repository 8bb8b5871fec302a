package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/compact-un/compact/client"
	"github.com/compact-un/compact/wire"
)

// Those who serve a process decide the delegations' amendments and mark
// the paragraphs of the text from the command line.

// textDecideCmd records the co-facilitators' decision on an amendment.
func textDecideCmd(args []string, stdout, stderr io.Writer) int {
	const prefix = "compact text decide"
	fs := newFlags("text decide ID AMENDMENT", "Decides an amendment of the latest revision; a later decision replaces it until the next revision. The token of the PGA office or of the process's co-facilitators.", stderr)
	var o opsFlags
	o.register(fs)
	var req wire.DecisionRequest
	fs.StringVar(&req.Outcome, "outcome", "", "incorporated, merged or not-retained (required)")
	fs.StringVar(&req.Note, "note", "", "why, for the delegations")
	fs.StringVar(&req.Text, "text", "", "for a merged amendment, the wording it is merged into (required then)")
	pos, code, ok := parseOps(fs, prefix, args, "ID", "AMENDMENT")
	if !ok {
		return code
	}
	outcomes := []string{"incorporated", "merged", "not-retained"}
	switch {
	case !slices.Contains(outcomes, req.Outcome):
		return misused(stderr, prefix, "--outcome %q: incorporated, merged or not-retained", req.Outcome)
	case (req.Outcome == "merged") != (req.Text != ""):
		return misused(stderr, prefix, "--text goes with --outcome merged, and only with it")
	}
	return opsCall(prefix, &o, stdout, stderr, func(ctx context.Context, c *client.Client) (wire.TextAmendment, error) {
		return c.DecideAmendment(ctx, pos[0], pos[1], req)
	}, func(a wire.TextAmendment) error {
		_, err := fmt.Fprintf(stdout, "amendment %s (revision %d, by %s): %s\n", a.ID, a.Revision, a.Sponsor, decisionLine(a.Decision))
		return err
	})
}

func decisionLine(d wire.Decision) string {
	s := d.Outcome
	if d.Note != "" {
		s += ": " + d.Note
	}
	if d.Text != "" {
		s += fmt.Sprintf("\nmerged into: %s", d.Text)
	}
	return s
}

// textMarkCmd marks a paragraph agreed ad ref, agreed or open.
func textMarkCmd(args []string, stdout, stderr io.Writer) int {
	const prefix = "compact text mark"
	fs := newFlags("text mark ID REVISION PARAGRAPH", "Marks a paragraph of the latest revision, named by its ID or its label (OP12, PP3); a later mark replaces it. The token of the PGA office or of the process's co-facilitators.", stderr)
	var o opsFlags
	o.register(fs)
	var req wire.MarkRequest
	fs.StringVar(&req.Status, "status", "", "agreed-ad-ref, agreed or open (required)")
	fs.StringVar(&req.Note, "note", "", "e.g. subject to capitals")
	pos, code, ok := parseOps(fs, prefix, args, "ID", "REVISION", "PARAGRAPH")
	if !ok {
		return code
	}
	revision, err := strconv.Atoi(pos[1])
	switch {
	case err != nil || revision < 0:
		return misused(stderr, prefix, "REVISION %q: a revision's number, 0 for the zero draft", pos[1])
	case !slices.Contains([]string{"agreed-ad-ref", "agreed", "open"}, req.Status):
		return misused(stderr, prefix, "--status %q: agreed-ad-ref, agreed or open", req.Status)
	}
	return opsCall(prefix, &o, stdout, stderr, func(ctx context.Context, c *client.Client) (wire.ParagraphMark, error) {
		return c.MarkParagraph(ctx, pos[0], revision, pos[2], req)
	}, func(m wire.ParagraphMark) error {
		line := fmt.Sprintf("revision %d, paragraph %s: %s", m.Revision, m.Paragraph, m.Status)
		if m.Note != "" {
			line += " (" + m.Note + ")"
		}
		_, err := fmt.Fprintln(stdout, line)
		return err
	})
}

// misused says why a command's arguments are wrong and returns exit code 2.
func misused(stderr io.Writer, prefix, format string, args ...any) int {
	fmt.Fprintf(stderr, "%s: %s\n", prefix, fmt.Sprintf(format, args...))
	return 2
}
