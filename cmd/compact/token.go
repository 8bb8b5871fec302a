package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/compact-un/compact/api"
	domain "github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
)

const tokenUsage = `Usage: compact token <command> [flags]

Manages the API's bearer tokens in the record store itself, without the API:
this is how the first PGA-office token is made.

Commands:
  create  make a token and print its secret, which is shown this once
  list    list the tokens, without their secrets
  revoke  revoke a token by its ID

Run 'compact token <command> -h' for a command's flags.
`

// tokenStoreTimeout bounds opening the store and the one operation on it.
const tokenStoreTimeout = 30 * time.Second

func tokenCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, tokenUsage)
		return 2
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "create":
		return tokenCreateCmd(rest, stdout, stderr)
	case "list":
		return tokenListCmd(rest, stdout, stderr)
	case "revoke":
		return tokenRevokeCmd(rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, tokenUsage)
		return 0
	default:
		fmt.Fprintf(stderr, "compact token: unknown command %q\n\n%s", cmd, tokenUsage)
		return 2
	}
}

func tokenCreateCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("token create", "Makes an API token and prints its secret, which is shown this once: store it now.", stderr)
	sf := addStoreFlags(fs)
	role := fs.String("role", "", "pga-office, co-facilitator, member-state or stakeholder (required)")
	party := fs.String("party", "", "whom the token acts for: the organisation, the State's ISO 3166 alpha-3 code, or the office (required)")
	processID := fs.String("process", "", "the process a co-facilitator serves")
	label := fs.String("label", "", "a note on whom the token was given to")
	db, code, ok := parseStoreFlags(fs, args, sf)
	if !ok {
		return code
	}
	secret, t, err := api.NewToken(api.Role(*role), *party, *processID, *label, time.Now())
	if err != nil {
		fmt.Fprintf(stderr, "compact token create: %s\n", domain.Message(err))
		return 2
	}
	err = withStore(db, func(ctx context.Context, st store.Store) error {
		if t.ProcessID != "" {
			if _, err := st.GetProcess(ctx, t.ProcessID); err != nil {
				return err
			}
		}
		return st.CreateToken(ctx, t)
	})
	if err != nil {
		fmt.Fprintf(stderr, "compact token create: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, secret)
	fmt.Fprintf(stderr, "created token %s for %s %s; its secret, above, is not shown again\n", t.ID, t.Role, t.Party)
	return 0
}

func tokenListCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("token list", "Lists the API's tokens, revoked ones too, without their secrets.", stderr)
	sf := addStoreFlags(fs)
	asJSON := fs.Bool("json", false, "print JSON rather than a table")
	db, code, ok := parseStoreFlags(fs, args, sf)
	if !ok {
		return code
	}
	var ts []store.Token
	err := withStore(db, func(ctx context.Context, st store.Store) (err error) {
		ts, err = st.ListTokens(ctx, store.TokenFilter{})
		return err
	})
	if err != nil {
		fmt.Fprintf(stderr, "compact token list: %v\n", err)
		return 1
	}
	if *asJSON {
		if ts == nil {
			ts = []store.Token{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(ts); err != nil {
			fmt.Fprintf(stderr, "compact token list: %v\n", err)
			return 1
		}
		return 0
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tROLE\tPARTY\tPROCESS\tLABEL\tCREATED\tREVOKED")
	for _, t := range ts {
		revoked := "-"
		if !t.RevokedAt.IsZero() {
			revoked = t.RevokedAt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Role, t.Party, orDash(t.ProcessID), orDash(t.Label),
			t.CreatedAt.UTC().Format(time.RFC3339), revoked)
	}
	if err := tw.Flush(); err != nil {
		fmt.Fprintf(stderr, "compact token list: %v\n", err)
		return 1
	}
	return 0
}

func tokenRevokeCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("token revoke", "Revokes an API token: the API refuses it from then on.", stderr)
	sf := addStoreFlags(fs)
	id := fs.String("id", "", "the token's ID, as token list shows it (required)")
	db, code, ok := parseStoreFlags(fs, args, sf)
	if !ok {
		return code
	}
	if *id == "" {
		fmt.Fprintln(stderr, "compact token revoke: --id is required")
		return 2
	}
	err := withStore(db, func(ctx context.Context, st store.Store) error {
		return st.RevokeToken(ctx, *id, time.Now())
	})
	if err != nil {
		fmt.Fprintf(stderr, "compact token revoke: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "revoked %s\n", *id)
	return 0
}

// storeFlags name the record store a token command works on: --db, or
// else the SQLite file that serve keeps in --data-dir.
type storeFlags struct{ db, dataDir *string }

func addStoreFlags(fs *flag.FlagSet) storeFlags {
	return storeFlags{
		db:      fs.String("db", "", "record store: a postgres:// URL or a SQLite file path; default: serve's, in --data-dir"),
		dataDir: fs.String("data-dir", "./data", "serve's --data-dir, whose compact.db is the record store when --db is not given"),
	}
}

// parseStoreFlags parses a token command's flags and names the store they
// point at. A missing SQLite file is refused rather than made: a token in a
// store no server reads would be lost.
func parseStoreFlags(fs *flag.FlagSet, args []string, f storeFlags) (db string, code int, ok bool) {
	if code, ok := parse(fs, args); !ok {
		return "", code, false
	}
	if *f.db != "" {
		return *f.db, 0, true
	}
	db = filepath.Join(*f.dataDir, "compact.db")
	if _, err := os.Stat(db); err != nil {
		fmt.Fprintf(fs.Output(), "compact %s: no record store at %s: start 'compact serve --data-dir %s' once, or give --db (a postgres:// URL or a SQLite file)\n",
			fs.Name(), db, *f.dataDir)
		return "", 2, false
	}
	return db, 0, true
}

// withStore opens the record store db names, runs f on it and closes it.
func withStore(db string, f func(context.Context, store.Store) error) (err error) {
	ctx, cancel := context.WithTimeout(context.Background(), tokenStoreTimeout)
	defer cancel()
	st, err := openStore(ctx, db)
	if err != nil {
		return fmt.Errorf("record store: %w", err)
	}
	defer func() { err = errors.Join(err, st.Close()) }()
	return f(ctx, st)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
