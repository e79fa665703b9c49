package storage

import (
	"errors"

	"github.com/lib/pq"
)

// PostgreSQL's codes of the errors that abort a transaction only because of concurrent
// ones: run again, it succeeds.
const (
	serializationFailure = "40001"
	deadlockDetected     = "40P01"
)

// Retryable reports whether err aborted a transaction to break a deadlock or a
// serialization conflict with concurrent transactions, so that running it again from the
// start succeeds. SQLite runs one transaction at a time and gives neither.
func Retryable(err error) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && (pqErr.Code == deadlockDetected || pqErr.Code == serializationFailure)
}
