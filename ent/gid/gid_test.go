package gid

import (
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	for _, id := range []int{1, 2, 501, 1 << 40} {
		s := Encode("Customer", id)
		typ, got, err := Decode(s)
		if err != nil || typ != "Customer" || got != id {
			t.Errorf("Decode(Encode(Customer, %d)) = %q, %d, %v", id, typ, got, err)
		}
		if _, err := DecodeAs("Tag", s); err != ErrMalformed {
			t.Errorf("a Customer ID decoded as a Tag: %v, want ErrMalformed", err)
		}
	}
}

// TestRevealsNoNumber: an ID holds its type name in the clear and nothing readable of
// its row number; neighbouring rows' IDs share nothing but the type.
func TestRevealsNoNumber(t *testing.T) {
	a, b := Encode("Customer", 500), Encode("Customer", 501)
	for _, s := range []string{a, b} {
		raw, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(raw), "Customer:") || strings.Contains(string(raw), "50") || len(raw) != len("Customer:")+16 {
			t.Errorf("ID %s holds %q, want the type name and 16 opaque bytes", s, raw)
		}
	}
	ra, _ := base64.RawURLEncoding.DecodeString(a)
	rb, _ := base64.RawURLEncoding.DecodeString(b)
	same := 0
	for i := len("Customer:"); i < len(ra); i++ {
		if ra[i] == rb[i] {
			same++
		}
	}
	if same > 4 {
		t.Errorf("IDs of rows 500 and 501 share %d of 16 bytes", same)
	}
}

// TestMalformed: anything altered, forged or cut is malformed, never another row.
func TestMalformed(t *testing.T) {
	valid := Encode("Customer", 7)
	raw, _ := base64.RawURLEncoding.DecodeString(valid)
	flipped := append([]byte(nil), raw...)
	flipped[len(flipped)-1] ^= 1
	swapped := append([]byte("Tag:"), raw[len("Customer:"):]...)
	for name, s := range map[string]string{
		"Plain":        base64.RawURLEncoding.EncodeToString([]byte("Customer:7")),
		"Flipped":      base64.RawURLEncoding.EncodeToString(flipped),
		"TypeSwapped":  base64.RawURLEncoding.EncodeToString(swapped),
		"Cut":          valid[:len(valid)-2],
		"NotBase64":    "Customer:7",
		"Empty":        "",
		"NoType":       base64.RawURLEncoding.EncodeToString(raw[len("Customer"):]),
		"DecimalGuess": strconv.Itoa(7),
	} {
		if _, _, err := Decode(s); err != ErrMalformed {
			t.Errorf("%s: Decode(%q) = %v, want ErrMalformed", name, s, err)
		}
	}
}

// TestKey: the same secret gives the same IDs (across restarts and instances), another
// secret other IDs, which the first key does not accept.
func TestKey(t *testing.T) {
	defer SetKey(nil)
	SetKey([]byte("secret one"))
	one := Encode("Admin", 3)
	SetKey([]byte("secret one"))
	if again := Encode("Admin", 3); again != one {
		t.Errorf("same secret: %s then %s", one, again)
	}
	SetKey([]byte("secret two"))
	if two := Encode("Admin", 3); two == one {
		t.Errorf("another secret gave the same ID %s", two)
	}
	if _, _, err := Decode(one); err != ErrMalformed {
		t.Errorf("an ID of another key decoded: %v", err)
	}
}
