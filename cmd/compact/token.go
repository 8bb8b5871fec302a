package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/compact-un/compact/api"
	domain "github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
)

// tokenStoreTimeout bounds opening the store and the one operation on it.
const tokenStoreTimeout = 30 * time.Second

func newTokenCreateCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "create", Args: positional(),
		Short: "make a token and print its secret, which is shown this once",
		Long:  "Makes an API token and prints its secret, which is shown this once: store it now."}
	fs := cmd.Flags()
	sf := addStoreFlags(fs)
	role := fs.String("role", "", "pga-office, co-facilitator, member-state or stakeholder")
	party := fs.String("party", "", "whom the token acts for: the organisation, the State's ISO 3166 alpha-3 code, or the office")
	processID := fs.String("process", "", "the process a co-facilitator serves")
	label := fs.String("label", "", "a note on whom the token was given to")
	expires := fs.String("expires", "90d", "how long the token works: days (90d) or a Go duration (12h), at most 366d")
	required(cmd, "role", "party")
	roles := make([]string, len(api.Roles))
	for i, r := range api.Roles {
		roles[i] = string(r)
	}
	fixed(cmd, "role", roles...)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		db, err := sf.store()
		if err != nil {
			return err
		}
		return createToken(cmd.OutOrStdout(), cmd.ErrOrStderr(), db, *role, *party, *processID, *label, *expires)
	}
	return cmd
}

func createToken(stdout, stderr io.Writer, db, role, party, processID, label, expires string) error {
	now := time.Now()
	secret, t, err := api.NewToken(api.Role(role), party, processID, label, now)
	if err == nil {
		t.ExpiresAt, err = expiryFlag(now, expires)
	}
	if err != nil {
		return errors.New(domain.Message(err))
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
		return failed(err)
	}
	fmt.Fprintln(stdout, secret)
	fmt.Fprintf(stderr, "created token %s for %s %s, expiring at %s; its secret, above, is not shown again\n",
		t.ID, t.Role, t.Party, t.ExpiresAt.Format(time.RFC3339))
	return nil
}

func newTokenListCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "list", Args: positional(),
		Short: "list the tokens, without their secrets",
		Long:  "Lists the API's tokens, revoked ones too, without their secrets."}
	fs := cmd.Flags()
	sf := addStoreFlags(fs)
	asJSON := fs.Bool("json", false, "print JSON rather than a table")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		db, err := sf.store()
		if err != nil {
			return err
		}
		return failed(listTokens(cmd.OutOrStdout(), db, *asJSON))
	}
	return cmd
}

func listTokens(stdout io.Writer, db string, asJSON bool) error {
	var ts []store.Token
	err := withStore(db, func(ctx context.Context, st store.Store) (err error) {
		ts, err = st.ListTokens(ctx, store.TokenFilter{})
		return err
	})
	if err != nil {
		return err
	}
	if asJSON {
		if ts == nil {
			ts = []store.Token{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(ts)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tROLE\tPARTY\tPROCESS\tLABEL\tCREATED\tEXPIRES\tREVOKED\tOLD SECRET UNTIL")
	for _, t := range ts {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Role, t.Party, orDash(t.ProcessID), orDash(t.Label),
			stampOrDash(t.CreatedAt), stampOrDash(t.ExpiresAt), stampOrDash(t.RevokedAt), stampOrDash(t.PreviousUntil))
	}
	return tw.Flush()
}

func newTokenRotateCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "rotate ID", Args: optional,
		Short: "give a token a new secret; the old one works on for --grace",
		Long: "Gives token ID a new secret and prints it, shown this once. " +
			"The old secret keeps working for --grace, so that its holder can switch without downtime; then the API refuses it."}
	fs := cmd.Flags()
	sf := addStoreFlags(fs)
	grace := fs.Duration("grace", 0, "how long the old secret keeps working, at most 720h (30 days); 0 refuses it at once, after a leak")
	expires := fs.String("expires", "", "how long the new secret works (90d, 12h); default: as long as the last one was given for")
	idFlag := tokenIDFlag(fs)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		id, db, err := tokenID(cmd, args, *idFlag, sf)
		if err != nil {
			return err
		}
		return rotateToken(cmd.OutOrStdout(), cmd.ErrOrStderr(), db, id, *grace, *expires)
	}
	return cmd
}

func rotateToken(stdout, stderr io.Writer, db, id string, grace time.Duration, expires string) error {
	now := time.Now()
	var expiresAt time.Time
	if expires != "" {
		var err error
		if expiresAt, err = expiryFlag(now, expires); err != nil {
			return errors.New(domain.Message(err))
		}
	}
	var secret string
	var t store.Token
	err := withStore(db, func(ctx context.Context, st store.Store) (err error) {
		if t, err = st.GetToken(ctx, id); err != nil {
			return err
		}
		secret, t, err = api.RotateToken(ctx, st, t, grace, expiresAt, now)
		return err
	})
	if err != nil {
		return failed(errors.New(domain.Message(err)))
	}
	fmt.Fprintln(stdout, secret)
	old := "the old secret is refused from now on"
	if !t.PreviousUntil.IsZero() {
		old = "the old secret works until " + t.PreviousUntil.Format(time.RFC3339)
	}
	fmt.Fprintf(stderr, "rotated token %s, expiring at %s; %s; the new secret, above, is not shown again\n",
		t.ID, t.ExpiresAt.Format(time.RFC3339), old)
	return nil
}

func newTokenRevokeCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "revoke ID", Args: optional,
		Short: "revoke a token by its ID",
		Long:  "Revokes token ID: the API refuses it from then on."}
	sf := addStoreFlags(cmd.Flags())
	idFlag := tokenIDFlag(cmd.Flags())
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		id, db, err := tokenID(cmd, args, *idFlag, sf)
		if err != nil {
			return err
		}
		err = withStore(db, func(ctx context.Context, st store.Store) error {
			return st.RevokeToken(ctx, id, time.Now())
		})
		if err != nil {
			return failed(err)
		}
		fmt.Fprintf(cmd.OutOrStdout(), "revoked %s\n", id)
		return nil
	}
	return cmd
}

// tokenIDFlag is the older way to name a token: --id ID.
func tokenIDFlag(fs *pflag.FlagSet) *string {
	return fs.String("id", "", "the token's ID, as token list shows it; or give it as the argument")
}

// tokenID is the token a command names, as its argument or by --id, and
// the store it is in.
func tokenID(cmd *cobra.Command, args []string, idFlag string, sf storeFlags) (id, db string, err error) {
	if len(args) > 0 {
		id = args[0]
	}
	if id == "" {
		id = idFlag
	}
	if id == "" {
		return "", "", fmt.Errorf("give one token ID: %s ID [flags]", cmd.CommandPath())
	}
	db, err = sf.store()
	return id, db, err
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

func addStoreFlags(fs *pflag.FlagSet) storeFlags {
	return storeFlags{
		db:      fs.String("db", "", "record store: a postgres:// URL or a SQLite file path; default: serve's, in --data-dir"),
		dataDir: fs.String("data-dir", "./data", "serve's --data-dir, whose compact.db is the record store when --db is not given"),
	}
}

// store names the record store the flags point at. A missing SQLite file
// is refused rather than made: a token in a store no server reads would be
// lost.
func (f storeFlags) store() (string, error) {
	if *f.db != "" {
		return *f.db, nil
	}
	db := filepath.Join(*f.dataDir, "compact.db")
	if _, err := os.Stat(db); err != nil {
		return "", fmt.Errorf("no record store at %s: start 'compact serve --data-dir %s' once, or give --db (a postgres:// URL or a SQLite file)",
			db, *f.dataDir)
	}
	return db, nil
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
