// Package config gives every command-line flag an environment twin, so that
// a service manager or a container can configure Compact without arguments.
package config

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"
)

// EnvPrefix starts every environment twin.
const EnvPrefix = "COMPACT_"

// EnvName is the environment twin of a flag: http-addr is COMPACT_HTTP_ADDR.
func EnvName(flagName string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// FromEnv sets each flag of the parsed fs that the command line did not
// give from its environment twin, as lookup (os.LookupEnv) finds it: the
// command line wins.
func FromEnv(fs *pflag.FlagSet, lookup func(string) (string, bool)) error {
	given := map[string]bool{}
	fs.Visit(func(f *pflag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *pflag.Flag) {
		if given[f.Name] || err != nil {
			return
		}
		name := EnvName(f.Name)
		if v, ok := lookup(name); ok {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%s=%q: %w", name, v, e)
			}
		}
	})
	return err
}
