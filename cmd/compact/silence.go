package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/compact-un/compact/client"
	domain "github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

const silenceUsage = `Usage: compact silence <command> [flags]

A text under silence (a stage of kind silence, which the office adds with
'compact stage add --kind silence') passes at its deadline unless a Member
State breaks the silence before it.

Commands:
  break  break a silence with a letter: compact silence break ID STAGE --letter letter.txt [--proposal text.txt]

Run 'compact silence <command> -h' for a command's flags.
`

func silenceCmd(args []string, stdout, stderr io.Writer) int {
	return opsDispatch("silence", silenceUsage, map[string]opsCommand{"break": silenceBreakCmd}, args, stdout, stderr)
}

// silenceBreakCmd breaks a silence with the letter in a file and,
// optionally, the text the State proposes instead.
func silenceBreakCmd(args []string, stdout, stderr io.Writer) int {
	const prefix = "compact silence break"
	fs := newFlags("silence break ID STAGE", "Breaks a running silence before its deadline with a letter, and optionally the text proposed instead; a Member State's token.", stderr)
	var o opsFlags
	o.register(fs)
	letterFile := fs.String("letter", "", "the letter breaking silence, a text file (required)")
	proposalFile := fs.String("proposal", "", "the text the State proposes instead, a text file")
	pos, code, ok := parseOps(fs, prefix, args, "ID", "STAGE")
	if !ok {
		return code
	}
	if *letterFile == "" {
		fmt.Fprintf(stderr, "%s: --letter is required\n", prefix)
		return 2
	}
	var body wire.BreakSilenceRequest
	for _, f := range []struct {
		path string
		to   *string
	}{{*letterFile, &body.Letter}, {*proposalFile, &body.Proposal}} {
		if f.path == "" {
			continue
		}
		b, err := os.ReadFile(f.path)
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", prefix, err)
			return 1
		}
		*f.to = string(b)
	}
	if err := body.Check(); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prefix, err)
		return 2
	}
	return opsCall(prefix, &o, stdout, stderr, func(ctx context.Context, c *client.Client) (domain.SilenceBreak, error) {
		return c.BreakSilence(ctx, pos[0], pos[1], body)
	}, func(b domain.SilenceBreak) error {
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "silence broken by\t%s\n", b.State)
		fmt.Fprintf(tw, "at\t%s\n", b.At.UTC().Format(time.RFC3339))
		fmt.Fprintf(tw, "letter sha256\t%s\n", b.LetterSHA256)
		fmt.Fprintf(tw, "proposal sha256\t%s\n", orDash(b.ProposalSHA256))
		return tw.Flush()
	})
}
