package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/compact-un/compact/client"
	domain "github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

// newECOSOCImportCmd checks a CSV list of organisations in consultative
// status as the API will, naming every bad line, and loads it in place of
// the list before.
func newECOSOCImportCmd() *cobra.Command {
	var o opsFlags
	cmd := opsCmd("import FILE", "load the list from the NGO Branch's CSV export",
		"Replaces the list of organisations in ECOSOC consultative status that applicants' claims are checked against, from a CSV file with a header naming the organisation's name, its status (General, Special, Roster) and the year granted; the PGA office's token.", &o)
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		return importECOSOC(cmd.OutOrStdout(), cmd.ErrOrStderr(), &o, pos[0])
	}
	return cmd
}

func importECOSOC(stdout, stderr io.Writer, o *opsFlags, file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return failed(err)
	}
	if _, err := domain.ParseECOSOCList(data); err != nil {
		fmt.Fprintf(stderr, "compact ecosoc import: %s: %s\n", file, domain.Message(err))
		for _, f := range domain.Fields(err) {
			fmt.Fprintf(stderr, "  %s: %s\n", f.Pointer, domain.Message(f.Err))
		}
		return exitStatus(1)
	}
	return opsCall(o, stdout, func(ctx context.Context, c *client.Client) (wire.ECOSOCListLoaded, error) {
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
