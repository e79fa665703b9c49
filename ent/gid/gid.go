// Package gid encodes and decodes the opaque global IDs of the API.
//
// An ID names the GraphQL type and, encrypted, the row: base64url of the type name, a
// colon and one AES block holding the row number and a check derived from the type name.
// Row numbers come from sequences shared by every partner, so a readable number would tell
// a partner how many rows the others have; encrypted, an ID tells nothing, and an ID that
// was altered, forged or taken from another type fails its check and is malformed. The
// encryption is deterministic, so an ID is the same on every instance and across restarts
// as long as the key is (SetKey, called once by main).
package gid

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"sync/atomic"
)

// ErrMalformed is returned for a string that is not a global ID.
var ErrMalformed = errors.New("malformed ID")

// block is the cipher IDs are encrypted with.
var block atomic.Pointer[cipher.Block]

func init() { SetKey(nil) }

// SetKey derives the cipher's key from secret. main sets it once, before serving, from a
// secret every instance shares; until then (in tests) the key of an empty secret is used.
func SetKey(secret []byte) {
	key := sha256.Sum256(append([]byte("partnerhub global IDs\x00"), secret...))
	b, err := aes.NewCipher(key[:])
	if err != nil {
		panic(err) // a 32-byte key is always valid
	}
	block.Store(&b)
}

// check is the half of the block that must decrypt to the type's own value.
func check(typ string) []byte {
	sum := sha256.Sum256([]byte(typ))
	return sum[:8]
}

// Encode returns the global ID of the row id of the GraphQL type typ.
func Encode(typ string, id int) string {
	var plain, sealed [aes.BlockSize]byte
	binary.BigEndian.PutUint64(plain[:8], uint64(id))
	copy(plain[8:], check(typ))
	(*block.Load()).Encrypt(sealed[:], plain[:])
	return base64.RawURLEncoding.EncodeToString(append([]byte(typ+":"), sealed[:]...))
}

// Decode splits a global ID into its type name and row ID.
func Decode(s string) (typ string, id int, err error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return "", 0, ErrMalformed
	}
	typ, sealed, ok := strings.Cut(string(b), ":")
	if !ok || typ == "" || len(sealed) != aes.BlockSize {
		return "", 0, ErrMalformed
	}
	var plain [aes.BlockSize]byte
	(*block.Load()).Decrypt(plain[:], []byte(sealed))
	n := binary.BigEndian.Uint64(plain[:8])
	if string(plain[8:]) != string(check(typ)) || n == 0 || n > math.MaxInt64 {
		return "", 0, ErrMalformed
	}
	return typ, int(n), nil
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
