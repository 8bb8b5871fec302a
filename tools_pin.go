//go:build tools

package compact

import (
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "go.temporal.io/sdk/client"
	_ "modernc.org/sqlite"
)
