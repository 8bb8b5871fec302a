package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/compact-un/compact/client"
	domain "github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

const ecosocUsage = `Usage: compact ecosoc <command> [flags]

Commands:
  import  load the list of organisations in ECOSOC consultative status from
          the NGO Branch's CSV export: compact ecosoc import FILE

Run 'compact ecosoc <command> -h' for a command's flags.
`

func ecosocCmd(args []string, stdout, stderr io.Writer) int {
	return opsDispatch("ecosoc", ecosocUsage, map[string]opsCommand{"import": ecosocImportCmd}, args, stdout, stderr)
}

// ecosocImportCmd checks a CSV list of organisations in consultative
// status as the API will, naming every bad line, and loads it in place of
// the list before.
func ecosocImportCmd(args []string, stdout, stderr io.Writer) int {
	const prefix = "compact ecosoc import"
	fs := newFlags("ecosoc import FILE", "Replaces the list of organisations in ECOSOC consultative status that applicants' claims are checked against, from a CSV file with a header naming the organisation's name, its status (General, Special, Roster) and the year granted; the PGA office's token.", stderr)
	var o opsFlags
	o.register(fs)
	pos, code, ok := parseOps(fs, prefix, args, "FILE")
	if !ok {
		return code
	}
	data, err := os.ReadFile(pos[0])
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prefix, err)
		return 1
	}
	if _, err := domain.ParseECOSOCList(data); err != nil {
		fmt.Fprintf(stderr, "%s: %s: %s\n", prefix, pos[0], domain.Message(err))
		for _, f := range domain.Fields(err) {
			fmt.Fprintf(stderr, "  %s: %s\n", f.Pointer, domain.Message(f.Err))
		}
		return 1
	}
	return opsCall(prefix, &o, stdout, stderr, func(ctx context.Context, c *client.Client) (wire.ECOSOCListLoaded, error) {
		loaded, err := c.PutECOSOCList(ctx, data)
		if prob, ok := errors.AsType[*client.Problem](err); ok {
			for _, f := range prob.Errors {
				fmt.Fprintf(stderr, "  %s: %s\n", f.Pointer, f.Detail)
			}
		}
		return loaded, err
	}, func(l wire.ECOSOCListLoaded) error {
		_, err := fmt.Fprintf(stdout, "loaded %d organisations in consultative status at %s; claims are checked against them from now on\n",
			l.Entries, l.LoadedAt.UTC().Format("2006-01-02 15:04 UTC"))
		return err
	})
}
