// Package sqlitefunc registers the SQL functions the embedded SQLite database needs to
// answer as PostgreSQL does.
package sqlitefunc

import (
	"database/sql/driver"
	"fmt"
	"strings"
	"sync"

	"modernc.org/sqlite"
)

// RegisterUnicodeLower replaces SQLite's LOWER, which folds only ASCII letters, with one
// that folds every letter as PostgreSQL's does, so that searching "émile" finds "Émile"
// on the embedded database too. The driver registers functions process-wide, once.
var RegisterUnicodeLower = sync.OnceValue(func() error {
	return sqlite.RegisterDeterministicScalarFunction("lower", 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		switch v := args[0].(type) {
		case nil:
			return nil, nil
		case string:
			return strings.ToLower(v), nil
		case []byte:
			return strings.ToLower(string(v)), nil
		default:
			return fmt.Sprint(v), nil
		}
	})
})
