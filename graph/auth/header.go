package auth

import (
	"errors"
	"strings"
)

// ErrMalformedHeader is returned for an Authorization value that is not "Bearer <token>".
var ErrMalformedHeader = errors.New("the Authorization header must be: Bearer <token>")

// ParseBearer returns the token of an Authorization value, read by one grammar on every
// transport (RFC 6750): the scheme "Bearer" in any case, one or more spaces, then a token
// of the characters [A-Za-z0-9-._~+/] followed by any "=". Whitespace around the value is
// ignored, as HTTP ignores it around a header's value; a token without the scheme is
// refused.
func ParseBearer(value string) (string, error) {
	scheme, token, ok := strings.Cut(strings.Trim(value, " \t"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", ErrMalformedHeader
	}
	token = strings.TrimLeft(token, " ")
	if !isB64Token(token) {
		return "", ErrMalformedHeader
	}
	return token, nil
}

// isB64Token reports whether s is a b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" /
// "+" / "/" ) *"=".
func isB64Token(s string) bool {
	body := strings.TrimRight(s, "=")
	if body == "" {
		return false
	}
	for _, c := range []byte(body) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("-._~+/", c) >= 0:
		default:
			return false
		}
	}
	return true
}
