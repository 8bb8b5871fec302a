package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

// commandLine is a command's line in a usage text: its name, indented.
var commandLine = regexp.MustCompile(`(?m)^  ([a-z]+)  `)

// TestEveryHelpShowsRequiredFlagsAsRequired walks every command and
// subcommand the usage texts list and reads its -h: a flag the command
// needs says so, rather than showing a placeholder default a user could
// take for a value.
func TestEveryHelpShowsRequiredFlagsAsRequired(t *testing.T) {
	help := func(args ...string) string {
		var out bytes.Buffer
		if code := run(append(args, "-h"), &out, &out); code != 0 {
			t.Errorf("compact %s -h = %d:\n%s", strings.Join(args, " "), code, out.String())
		}
		return out.String()
	}
	leaves := 0
	for _, cmd := range commandLine.FindAllStringSubmatch(usage, -1) {
		text := help(cmd[1])
		commands := [][]string{{cmd[1]}}
		if strings.Contains(text, "\nCommands:\n") {
			commands = nil
			for _, sub := range commandLine.FindAllStringSubmatch(text, -1) {
				commands = append(commands, []string{cmd[1], sub[1]})
			}
		}
		for _, args := range commands {
			if len(args) > 1 {
				text = help(args...)
			}
			leaves++
			for _, placeholder := range []string{`(default "-1")`, `(default "0")`, `(default "0s")`, `(default "false")`, `(default "")`} {
				if strings.Contains(text, placeholder) {
					t.Errorf("compact %s -h shows %s:\n%s", strings.Join(args, " "), placeholder, text)
				}
			}
		}
	}
	if leaves < 30 {
		t.Errorf("walked %d commands: the usage texts' layout changed", leaves)
	}
	publish := help("draft", "publish")
	if !regexp.MustCompile(`--revision .*\n.*\(required\)\n`).MatchString(publish) {
		t.Errorf("compact draft publish -h does not say --revision is required:\n%s", publish)
	}
}
