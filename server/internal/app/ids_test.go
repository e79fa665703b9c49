package app

import (
	"testing"

	"github.com/partnerhub/partnerhub-api/ent/gid"
)

// TestIDsFollowTheSharedSecret: instances sharing the JWT secret (or one instance
// restarted) give every row the same ID; another secret gives other IDs.
func TestIDsFollowTheSharedSecret(t *testing.T) {
	MustOpenApp(t, nil)
	id := gid.Encode("Customer", 42)
	MustOpenApp(t, nil)
	if again := gid.Encode("Customer", 42); again != id {
		t.Errorf("after a restart with the same secret the ID is %s, was %s", again, id)
	}
	MustOpenApp(t, map[string]string{"PARTNERHUB_JWT_SECRET": "another-secret-0123456789abcdef0123456789"})
	if other := gid.Encode("Customer", 42); other == id {
		t.Errorf("another secret gave the same ID %s", other)
	}
	if _, _, err := gid.Decode(id); err == nil {
		t.Errorf("an ID of the first secret decodes under another")
	}
}
