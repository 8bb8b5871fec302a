package main

import (
	"fmt"
	"io"
	"runtime/debug"

	"github.com/spf13/cobra"
)

func newVersionCmd() *cobra.Command {
	return &cobra.Command{Use: "version", Args: positional(),
		Short: "print the versions",
		Long:  "Prints the versions of Compact, Go and Temporal.",
		Run:   func(cmd *cobra.Command, _ []string) { printVersions(cmd.OutOrStdout()) }}
}

func printVersions(stdout io.Writer) {
	fmt.Fprintf(stdout, "compact %s\n", version)
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return
	}
	fmt.Fprintf(stdout, "go %s\n", bi.GoVersion)
	for _, dep := range bi.Deps {
		switch dep.Path {
		case "go.temporal.io/sdk":
			fmt.Fprintf(stdout, "temporal sdk %s\n", dep.Version)
		case "go.temporal.io/server":
			fmt.Fprintf(stdout, "temporal server %s\n", dep.Version)
		}
	}
}
