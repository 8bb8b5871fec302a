package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// commands lists every command of the tree under cmd, cmd first, each as
// the arguments that name it.
func commands(cmd *cobra.Command, path []string) [][]string {
	all := [][]string{path}
	for _, sub := range cmd.Commands() {
		all = append(all, commands(sub, append(append([]string(nil), path...), sub.Name()))...)
	}
	return all
}

// help runs compact args -h.
func help(t *testing.T, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	if code := run(append(args, "-h"), &out, &out); code != 0 {
		t.Errorf("compact %s -h = %d:\n%s", strings.Join(args, " "), code, out.String())
	}
	return out.String()
}

// TestEveryHelpShowsRequiredFlagsAsRequired walks every command and reads
// its -h: a flag the command needs says so, rather than showing a
// placeholder default a user could take for a value, and every flag shows
// its environment twin.
func TestEveryHelpShowsRequiredFlagsAsRequired(t *testing.T) {
	root := newRoot()
	root.InitDefaultCompletionCmd()
	leaves := 0
	for _, args := range commands(root, nil) {
		cmd, _, err := root.Find(args)
		if err != nil {
			t.Fatal(err)
		}
		text := help(t, args...)
		if !cmd.HasSubCommands() {
			leaves++
		}
		for _, placeholder := range []string{`(default "-1")`, `(default "0")`, `(default "0s")`, `(default "false")`, `(default "")`} {
			if strings.Contains(text, placeholder) {
				t.Errorf("compact %s -h shows %s:\n%s", strings.Join(args, " "), placeholder, text)
			}
		}
		cmd.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if _, cobras := f.Annotations[cobra.FlagSetByCobraAnnotation]; cobras {
				return
			}
			_, req := f.Annotations[cobra.BashCompOneRequiredFlag]
			line := regexp.MustCompile(`(?m)^  --` + f.Name + ` \[COMPACT_[A-Z0-9_]+\]\n.*\n`).FindString(text)
			switch {
			case line == "":
				t.Errorf("compact %s -h does not show --%s with its environment twin:\n%s", strings.Join(args, " "), f.Name, text)
			case req != strings.HasSuffix(line, "(required)\n"):
				t.Errorf("compact %s -h: --%s required %v, but its help says %q", strings.Join(args, " "), f.Name, req, line)
			}
		})
	}
	if leaves < 30 {
		t.Errorf("walked %d commands: the command tree lost some", leaves)
	}
	publish := help(t, "draft", "publish")
	if !regexp.MustCompile(`--revision .*\n.*\(required\)\n`).MatchString(publish) {
		t.Errorf("compact draft publish -h does not say --revision is required:\n%s", publish)
	}
}

// TestEveryCommandHasAShortHelp checks the line each command has in its
// group's list.
func TestEveryCommandHasAShortHelp(t *testing.T) {
	root := newRoot()
	for _, args := range commands(root, nil)[1:] {
		if cmd, _, _ := root.Find(args); strings.TrimSpace(cmd.Short) == "" {
			t.Errorf("compact %s has no Short help", strings.Join(args, " "))
		}
	}
	list := help(t)
	for _, cmd := range root.Commands() {
		if !strings.Contains(list, "\n  "+cmd.Name()+" ") {
			t.Errorf("compact -h does not list %s:\n%s", cmd.Name(), list)
		}
	}
}

// TestCompletion generates each shell's completion script and asks the
// binary to complete as the scripts do.
func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		var out, errOut bytes.Buffer
		if code := run([]string{"completion", shell}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "__complete") {
			t.Errorf("compact completion %s = %d\n%.300s%s", shell, code, out.String(), errOut.String())
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"stage", ""}, "reschedule\tmove a stage that has not started to new dates\n"},
		{[]string{"text", "export", "p", "--format", ""}, "akn\nmarkdown\njson\n"},
		{[]string{"token", "create", "--role", ""}, "pga-office\nco-facilitator\nmember-state\nstakeholder\n"},
		{[]string{"simulate", ""}, "gcm-2018\t"},
		{[]string{"window", "close", "p", "s", "--"}, "--reason\t"},
	} {
		var out, errOut bytes.Buffer
		if code := run(append([]string{cobra.ShellCompRequestCmd}, tc.args...), &out, &errOut); code != 0 || !strings.Contains(out.String(), tc.want) {
			t.Errorf("completing compact %q = %d:\n%s%s\nwant %q", tc.args, code, out.String(), errOut.String(), tc.want)
		}
	}
}
