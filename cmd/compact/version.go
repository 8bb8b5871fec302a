package main

import (
	"fmt"
	"io"
	"runtime/debug"
)

func versionCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("version", "Prints the versions of Compact, Go and Temporal.", stderr)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	fmt.Fprintf(stdout, "compact %s\n", version)
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return 0
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
	return 0
}
