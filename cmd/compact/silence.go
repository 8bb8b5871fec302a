package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/compact-un/compact/client"
	domain "github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

// newSilenceBreakCmd breaks a silence with the letter in a file and,
// optionally, the text the State proposes instead.
func newSilenceBreakCmd() *cobra.Command {
	var o opsFlags
	cmd := opsCmd("break ID STAGE", "break a silence with a letter",
		"Breaks a running silence before its deadline with a letter, and optionally the text proposed instead; a Member State's token.", &o)
	letter := cmd.Flags().String("letter", "", "the letter breaking silence, a text file")
	proposal := cmd.Flags().String("proposal", "", "the text the State proposes instead, a text file")
	required(cmd, "letter")
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		return breakSilence(cmd.OutOrStdout(), &o, pos[0], pos[1], *letter, *proposal)
	}
	return cmd
}

func breakSilence(stdout io.Writer, o *opsFlags, id, stage, letterFile, proposalFile string) error {
	var body wire.BreakSilenceRequest
	for _, f := range []struct {
		path string
		to   *string
	}{{letterFile, &body.Letter}, {proposalFile, &body.Proposal}} {
		if f.path == "" {
			continue
		}
		b, err := os.ReadFile(f.path)
		if err != nil {
			return failed(err)
		}
		*f.to = string(b)
	}
	if err := body.Check(); err != nil {
		return err
	}
	return opsCall(o, stdout, func(ctx context.Context, c *client.Client) (domain.SilenceBreak, error) {
		return c.BreakSilence(ctx, id, stage, body)
	}, func(b domain.SilenceBreak) error {
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "silence broken by\t%s\n", b.State)
		fmt.Fprintf(tw, "at\t%s\n", b.At.UTC().Format(time.RFC3339))
		fmt.Fprintf(tw, "letter sha256\t%s\n", b.LetterSHA256)
		fmt.Fprintf(tw, "proposal sha256\t%s\n", orDash(b.ProposalSHA256))
		return tw.Flush()
	})
}
