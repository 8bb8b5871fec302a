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
	"strconv"
	"strings"
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
  rotate  give a token a new secret; the old one works on for --grace
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
	case "rotate":
		return tokenRotateCmd(rest, stdout, stderr)
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
	expires := fs.String("expires", "90d", "how long the token works: days (90d) or a Go duration (12h), at most 366d")
	db, code, ok := parseStoreFlags(fs, args, sf)
	if !ok {
		return code
	}
	now := time.Now()
	secret, t, err := api.NewToken(api.Role(*role), *party, *processID, *label, now)
	if err == nil {
		t.ExpiresAt, err = expiryFlag(now, *expires)
	}
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
	fmt.Fprintf(stderr, "created token %s for %s %s, expiring at %s; its secret, above, is not shown again\n",
		t.ID, t.Role, t.Party, t.ExpiresAt.Format(time.RFC3339))
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
	fmt.Fprintln(tw, "ID\tROLE\tPARTY\tPROCESS\tLABEL\tCREATED\tEXPIRES\tREVOKED\tOLD SECRET UNTIL")
	for _, t := range ts {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Role, t.Party, orDash(t.ProcessID), orDash(t.Label),
			stampOrDash(t.CreatedAt), stampOrDash(t.ExpiresAt), stampOrDash(t.RevokedAt), stampOrDash(t.PreviousUntil))
	}
	if err := tw.Flush(); err != nil {
		fmt.Fprintf(stderr, "compact token list: %v\n", err)
		return 1
	}
	return 0
}

func tokenRotateCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("token rotate", "Gives token ID a new secret and prints it, shown this once. "+
		"The old secret keeps working for --grace, so that its holder can switch without downtime; then the API refuses it.", stderr)
	sf := addStoreFlags(fs)
	grace := fs.Duration("grace", 0, "how long the old secret keeps working, at most 720h (30 days); 0 refuses it at once, after a leak")
	expires := fs.String("expires", "", "how long the new secret works (90d, 12h); default: as long as the last one was given for")
	id, db, code, ok := tokenIDArg(fs, args, sf)
	if !ok {
		return code
	}
	now := time.Now()
	var expiresAt time.Time
	if *expires != "" {
		var err error
		if expiresAt, err = expiryFlag(now, *expires); err != nil {
			fmt.Fprintf(stderr, "compact token rotate: %s\n", domain.Message(err))
			return 2
		}
	}
	var secret string
	var t store.Token
	err := withStore(db, func(ctx context.Context, st store.Store) (err error) {
		if t, err = st.GetToken(ctx, id); err != nil {
			return err
		}
		secret, t, err = api.RotateToken(ctx, st, t, *grace, expiresAt, now)
		return err
	})
	if err != nil {
		fmt.Fprintf(stderr, "compact token rotate: %s\n", domain.Message(err))
		return 1
	}
	fmt.Fprintln(stdout, secret)
	old := "the old secret is refused from now on"
	if !t.PreviousUntil.IsZero() {
		old = "the old secret works until " + t.PreviousUntil.Format(time.RFC3339)
	}
	fmt.Fprintf(stderr, "rotated token %s, expiring at %s; %s; the new secret, above, is not shown again\n",
		t.ID, t.ExpiresAt.Format(time.RFC3339), old)
	return 0
}

func tokenRevokeCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("token revoke", "Revokes token ID: the API refuses it from then on.", stderr)
	sf := addStoreFlags(fs)
	id, db, code, ok := tokenIDArg(fs, args, sf)
	if !ok {
		return code
	}
	err := withStore(db, func(ctx context.Context, st store.Store) error {
		return st.RevokeToken(ctx, id, time.Now())
	})
	if err != nil {
		fmt.Fprintf(stderr, "compact token revoke: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "revoked %s\n", id)
	return 0
}

// tokenIDArg parses a command that names one token: "ID [flags]", or the
// older --id ID.
func tokenIDArg(fs *flag.FlagSet, args []string, sf storeFlags) (id, db string, code int, ok bool) {
	idFlag := fs.String("id", "", "the token's ID, as token list shows it; or give it first, before the flags")
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		id, args = args[0], args[1:]
	}
	if db, code, ok = parseStoreFlags(fs, args, sf); !ok {
		return "", "", code, false
	}
	if id == "" {
		id = *idFlag
	}
	if id == "" {
		fmt.Fprintf(fs.Output(), "compact %s: give one token ID: compact %s ID [flags]\n", fs.Name(), fs.Name())
		return "", "", 2, false
	}
	return id, db, 0, true
}

// expiryFlag is when a token given for lifetime now expires: days ("90d")
// or a Go duration ("12h"), within the API's bounds.
func expiryFlag(now time.Time, lifetime string) (time.Time, error) {
	const op = "compact.expires"
	bad := domain.Errorf(op, domain.Invalid, "--expires %q: want days such as 90d, or a duration such as 12h, at most 366d", lifetime)
	var d time.Duration
	if days, ok := strings.CutSuffix(lifetime, "d"); ok {
		// Bounded before it becomes a Duration, which a huge count would overflow.
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > int(api.MaxTokenLifetime/(24*time.Hour)) {
			return time.Time{}, bad
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(lifetime); err != nil {
			return time.Time{}, bad
		}
	}
	expires := now.Add(d).UTC()
	return expires, api.CheckExpiry(now, expires)
}

func stampOrDash(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
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
