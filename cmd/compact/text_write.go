package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/compact-un/compact/client"
	"github.com/compact-un/compact/wire"
)

// Those who serve a process decide the delegations' amendments and mark
// the paragraphs of the text from the command line.

var decisionOutcomes = []string{"incorporated", "merged", "not-retained"}

// newTextDecideCmd records the co-facilitators' decision on an amendment.
func newTextDecideCmd() *cobra.Command {
	var o opsFlags
	cmd := opsCmd("decide ID AMENDMENT", "decide an amendment of the latest revision",
		"Decides an amendment of the latest revision; a later decision replaces it until the next revision. The token of the PGA office or of the process's co-facilitators.", &o)
	var req wire.DecisionRequest
	fs := cmd.Flags()
	fs.StringVar(&req.Outcome, "outcome", "", "incorporated, merged or not-retained")
	fs.StringVar(&req.Note, "note", "", "why, for the delegations")
	fs.StringVar(&req.Text, "text", "", "for a merged amendment, the wording it is merged into (required then)")
	required(cmd, "outcome")
	fixed(cmd, "outcome", decisionOutcomes...)
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		switch {
		case !slices.Contains(decisionOutcomes, req.Outcome):
			return fmt.Errorf("--outcome %q: incorporated, merged or not-retained", req.Outcome)
		case (req.Outcome == "merged") != (req.Text != ""):
			return errors.New("--text goes with --outcome merged, and only with it")
		}
		return decide(cmd.OutOrStdout(), &o, pos[0], pos[1], req)
	}
	return cmd
}

func decide(stdout io.Writer, o *opsFlags, id, amendment string, req wire.DecisionRequest) error {
	return opsCall(o, stdout, func(ctx context.Context, c *client.Client) (wire.TextAmendment, error) {
		return c.DecideAmendment(ctx, id, amendment, req)
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

var markStatuses = []string{"agreed-ad-ref", "agreed", "open"}

// newTextMarkCmd marks a paragraph agreed ad ref, agreed or open.
func newTextMarkCmd() *cobra.Command {
	var o opsFlags
	cmd := opsCmd("mark ID REVISION PARAGRAPH", "mark a paragraph of the latest revision, by its ID or its label (OP12, PP3)",
		"Marks a paragraph of the latest revision, named by its ID or its label (OP12, PP3); a later mark replaces it. The token of the PGA office or of the process's co-facilitators.", &o)
	var req wire.MarkRequest
	cmd.Flags().StringVar(&req.Status, "status", "", "agreed-ad-ref, agreed or open")
	cmd.Flags().StringVar(&req.Note, "note", "", "e.g. subject to capitals")
	required(cmd, "status")
	fixed(cmd, "status", markStatuses...)
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		revision, err := strconv.Atoi(pos[1])
		switch {
		case err != nil || revision < 0:
			return fmt.Errorf("REVISION %q: a revision's number, 0 for the zero draft", pos[1])
		case !slices.Contains(markStatuses, req.Status):
			return fmt.Errorf("--status %q: agreed-ad-ref, agreed or open", req.Status)
		}
		return mark(cmd.OutOrStdout(), &o, pos[0], revision, pos[2], req)
	}
	return cmd
}

func mark(stdout io.Writer, o *opsFlags, id string, revision int, paragraph string, req wire.MarkRequest) error {
	return opsCall(o, stdout, func(ctx context.Context, c *client.Client) (wire.ParagraphMark, error) {
		return c.MarkParagraph(ctx, id, revision, paragraph, req)
	}, func(m wire.ParagraphMark) error {
		line := fmt.Sprintf("revision %d, paragraph %s: %s", m.Revision, m.Paragraph, m.Status)
		if m.Note != "" {
			line += " (" + m.Note + ")"
		}
		_, err := fmt.Fprintln(stdout, line)
		return err
	})
}
