// Command compact runs Compact: everything in one process (serve), or
// Temporal, the worker and the API as separate processes; and the
// operators' commands against a running API.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/compact-un/compact/internal/config"
)

// version is set at build time: go build -ldflags "-X main.version=v1.2.3".
var version = "dev"

func main() {
	ownerOnly()
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run runs the command args name and returns the exit code: 0 done, 1
// failed, 2 misused.
func run(args []string, stdout, stderr io.Writer) int {
	root := newRoot()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteC()
	if err == nil {
		return 0
	}
	if status, ok := errors.AsType[exitStatus](err); ok {
		return int(status)
	}
	fmt.Fprintf(stderr, "%s: %v\n", cmd.CommandPath(), err)
	if _, ok := errors.AsType[failure](err); ok {
		return 1
	}
	return 2
}

// newRoot is the command tree: the one place a command is wired in. Its
// help, usage and shell completion are generated from it.
func newRoot() *cobra.Command {
	root := group("compact", "Compact runs the UN's intergovernmental processes on Temporal.",
		`Compact runs the UN's intergovernmental processes on Temporal: everything in
one process (serve), or Temporal, the worker and the API as separate processes.

Every flag has an environment twin: --http-addr is COMPACT_HTTP_ADDR; a flag
on the command line wins.`)
	root.Args = nil // cobra then names an unknown command and suggests one
	root.SilenceErrors, root.SilenceUsage = true, true
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		return config.FromEnv(cmd.Flags(), os.LookupEnv)
	}
	root.SetUsageTemplate(usageTemplate)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return err })
	root.AddGroup(&cobra.Group{ID: "run", Title: "Commands:"},
		&cobra.Group{ID: "ops", Title: "Operators' commands, against a running API (--server, --token):"})
	inGroup("run", root,
		newServeCmd(), newWorkerCmd(), newAPICmd(), newTemporalCmd(),
		group("token", "make, list and revoke API tokens in the record store (the first PGA token)",
			"Manages the API's bearer tokens in the record store itself, without the API:\nthis is how the first PGA-office token is made.",
			newTokenCreateCmd(), newTokenListCmd(), newTokenRotateCmd(), newTokenRevokeCmd()),
		newBenchCmd(), newSimulateCmd(), newVersionCmd())
	inGroup("ops", root,
		group("process", "create a process; show its status or timeline",
			"Starts and reads processes through the HTTP API (--server).",
			newProcessCreateCmd(), newProcessStatusCmd(), newProcessTimelineCmd()),
		group("stage", "add, cancel, move, extend or reschedule a stage, or change its venue",
			"Steers a running process's stages through the HTTP API (--server); each change\nneeds the PGA office's token.",
			newStageAddCmd(), newStageCancelCmd(), newStageMoveCmd(), newStageExtendCmd(), newStageVenueCmd(), newStageRescheduleCmd()),
		group("window", "open, extend or close a stage's contribution window",
			"Moves a stage's contribution window through the HTTP API (--server).",
			newWindowOpenCmd(), newWindowExtendCmd(), newWindowCloseCmd()),
		group("draft", "publish a draft stage's revision from a text file", "", newDraftPublishCmd()),
		group("silence", "break a silence procedure with a Member State's letter",
			`A text under silence (a stage of kind silence, which the office adds with
'compact stage add --kind silence') passes at its deadline unless a Member
State breaks the silence before it.`, newSilenceBreakCmd()),
		group("text", "the negotiated text: export, compile, diff; decide amendments, mark paragraphs",
			"Reads a process's negotiated text, and records the co-facilitators'\ndecisions on it, through the HTTP API (--server).",
			newTextExportCmd(), newTextCompileCmd(), newTextDiffCmd(), newTextDecideCmd(), newTextMarkCmd()),
		newSearchCmd(),
		group("ecosoc", "load the list of organisations in ECOSOC consultative status", "", newECOSOCImportCmd()))
	return root
}

// inGroup adds cmds to root under the heading of group id.
func inGroup(id string, root *cobra.Command, cmds ...*cobra.Command) {
	for _, c := range cmds {
		c.GroupID = id
		root.AddCommand(c)
	}
}

// group is a command that holds others. Alone it is misused: it shows its
// usage and exits 2.
func group(name, short, long string, cmds ...*cobra.Command) *cobra.Command {
	g := &cobra.Command{Use: name, Short: short, Long: long, Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprint(cmd.ErrOrStderr(), cmd.UsageString())
			return exitStatus(2)
		}}
	g.AddCommand(cmds...)
	return g
}

// failure marks an error as the command's failure (exit 1) rather than its
// misuse (exit 2), which cobra's own errors, on flags and arguments, are.
type failure struct{ error }

func (f failure) Unwrap() error { return f.error }

// failed marks err, if any, as the command's failure.
func failed(err error) error {
	if err == nil {
		return nil
	}
	return failure{err}
}

// exitStatus ends a command that has already said why, with its exit code.
type exitStatus int

func (s exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(s)) }

// usageTemplate is cobra's, with each flag's environment twin and
// whether it is required, and a command group's usage on one line.
const usageTemplate = `Usage: {{if .HasAvailableSubCommands}}{{.CommandPath}} <command>{{else}}{{.UseLine}}{{end}}{{if .HasExample}}

Examples:
{{.Example}}{{end}}{{if .HasAvailableSubCommands}}{{$cmds := .Commands}}{{if eq (len .Groups) 0}}

Commands:{{range $cmds}}{{if .IsAvailableCommand}}
  {{rpad .Name .NamePadding }}  {{.Short}}{{end}}{{end}}{{else}}{{range $group := .Groups}}

{{.Title}}{{range $cmds}}{{if (and (eq .GroupID $group.ID) .IsAvailableCommand)}}
  {{rpad .Name .NamePadding }}  {{.Short}}{{end}}{{end}}{{end}}{{if not .AllChildCommandsHaveGroup}}

Other commands:{{range $cmds}}{{if (and (eq .GroupID "") (or .IsAvailableCommand (eq .Name "help")))}}
  {{rpad .Name .NamePadding }}  {{.Short}}{{end}}{{end}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

Flags (environment twin in brackets):
{{flagUsages .LocalFlags}}{{end}}{{if .HasAvailableSubCommands}}

Run '{{.CommandPath}} <command> -h' for a command's flags.{{end}}
`

func init() {
	cobra.AddTemplateFunc("flagUsages", flagUsages)
	cobra.EnableCommandSorting = false // the order newRoot gives: the most used first
}
