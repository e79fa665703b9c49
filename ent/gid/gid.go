// Package gid encodes and decodes the opaque global IDs of the API: the GraphQL type
// name and the row ID, base64url-encoded so clients treat them as opaque.
package gid

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
)

// ErrMalformed is returned for a string that is not a global ID.
var ErrMalformed = errors.New("malformed ID")

// Encode returns the global ID of the row id of the GraphQL type typ.
func Encode(typ string, id int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(typ + ":" + strconv.Itoa(id)))
}

// Decode splits a global ID into its type name and row ID.
func Decode(s string) (typ string, id int, err error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return "", 0, ErrMalformed
	}
	typ, num, ok := strings.Cut(string(b), ":")
	if !ok || typ == "" {
		return "", 0, ErrMalformed
	}
	id, err = strconv.Atoi(num)
	if err != nil || id <= 0 {
		return "", 0, ErrMalformed
	}
	return typ, id, nil
}

// DecodeAs returns the row ID of a global ID that must be of type typ.
func DecodeAs(typ, s string) (int, error) {
	t, id, err := Decode(s)
	if err != nil {
		return 0, err
	}
	if t != typ {
		return 0, ErrMalformed
	}
	return id, nil
}
