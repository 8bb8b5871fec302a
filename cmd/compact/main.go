// Command compact runs Compact: everything in one process (serve), or
// Temporal, the worker and the API as separate processes.
package main

import (
	"fmt"
	"io"
	"os"
)

// version is set at build time: go build -ldflags "-X main.version=v1.2.3".
var version = "dev"

const usage = `Usage: compact <command> [flags]

Commands:
  serve     run everything in one process: Temporal, the worker and the HTTP API
  worker    run the worker against a Temporal server
  api       run the HTTP API against a Temporal server
  temporal  run a standalone Temporal server
  token     make, list and revoke API tokens in the record store (the first PGA token)
  bench     measure intake and reads against their targets on a throwaway embedded stack
  simulate  replay a template's history on a scaled clock, on a throwaway embedded stack
  version   print the versions

Operators' commands, against a running API (--server, --token):
  process   create a process; show its status or timeline
  stage     add, cancel, move, extend or reschedule a stage, or change its venue
  window    open, extend or close a stage's contribution window
  draft     publish a draft stage's revision from a text file
  silence   break a silence procedure with a Member State's letter
  text      the negotiated text: export, compile, diff; decide amendments, mark paragraphs
  search    search a process's contributions, text and amendments
  ecosoc    load the list of organisations in ECOSOC consultative status

Every flag has an environment twin: --http-addr is COMPACT_HTTP_ADDR; a flag
on the command line wins. Run 'compact <command> -h' for a command's flags.
`

func main() {
	ownerOnly()
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches to a command and returns the exit code: 0 done, 1 failed,
// 2 misused.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		return serveCmd(rest, stderr)
	case "worker":
		return workerCmd(rest, stderr)
	case "api":
		return apiCmd(rest, stderr)
	case "temporal":
		return temporalCmd(rest, stderr)
	case "bench":
		return benchCmd(rest, stdout, stderr)
	case "simulate":
		return simulateCmd(rest, stdout, stderr)
	case "version":
		return versionCmd(rest, stdout, stderr)
	case "token":
		return tokenCmd(rest, stdout, stderr)
	case "process":
		return processCmd(rest, stdout, stderr)
	case "stage":
		return stageCmd(rest, stdout, stderr)
	case "window":
		return windowCmd(rest, stdout, stderr)
	case "draft":
		return draftCmd(rest, stdout, stderr)
	case "silence":
		return silenceCmd(rest, stdout, stderr)
	case "text":
		return textCmd(rest, stdout, stderr)
	case "search":
		return searchCmd(rest, stdout, stderr)
	case "ecosoc":
		return ecosocCmd(rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "compact: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
}
