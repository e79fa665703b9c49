package seed

import (
	"encoding/binary"
	"encoding/hex"
	"math"
	"math/rand/v2"
	"strings"
	"time"
)

// Streams of the seeded generator: each kind of data draws from its own stream, so that
// for example changing CallLegs leaves customers and subscriptions as they were.
const (
	streamModel   = 0x5eed_0001 // customers, subscriptions, licenses, admins, tags
	streamHistory = 0x5eed_0002 // snapshots, orders, invoices
	streamPhones  = 0x5eed_0003 // locations, queues, devices, phone numbers
	streamCalls   = 0x5eed_0004 // call legs
)

// newRand returns the generator of one stream of seed.
func newRand(seed int64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), stream))
}

const day = 24 * time.Hour

// between returns a duration drawn uniformly from [lo, hi), whole seconds.
func between(r *rand.Rand, lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return (lo + time.Duration(r.Int64N(int64(hi-lo)))).Truncate(time.Second)
}

// uniform returns a float drawn uniformly from [lo, hi).
func uniform(r *rand.Rand, lo, hi float64) float64 { return lo + r.Float64()*(hi-lo) }

// chance reports true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// pick returns a random element of list.
func pick[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

// weighted returns an index drawn with the given weights.
func weighted(r *rand.Rand, weights ...float64) int {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	x := r.Float64() * total
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// round returns x rounded to the nearest integer.
func round(x float64) int { return int(math.Round(x)) }

// round1 rounds x to one decimal, as metrics are reported.
func round1(x float64) float64 { return math.Round(x*10) / 10 }

// hashUUID returns the n-th UUID (version 4 layout) named by salt. UUIDs come from a hash,
// not from a random stream, so that every table draws them independently.
func hashUUID(salt uint64, n int) string {
	a := mix64(salt + uint64(n)*0x9e3779b97f4a7c15)
	return formatUUID(a, mix64(a^salt))
}

func formatUUID(hi, lo uint64) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], hi)
	binary.BigEndian.PutUint64(b[8:], lo)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}

// mix64 is SplitMix64's finaliser: a bijective scrambling of x.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// permute32 scrambles n bijectively under key, so that sequential numbers become
// random-looking identifiers that never collide.
func permute32(n, key uint32) uint32 {
	x := n ^ key
	x *= 0x9e3779b1
	x ^= x >> 15
	x *= 0x85ebca77
	x ^= x >> 13
	return x
}

// slug turns a name into a domain label: "Acme Health" -> "acme-health".
func slug(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-':
			b.WriteByte('-')
		}
	}
	return b.String()
}

// digits returns n random decimal digits, the first not zero.
func digits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	if n > 0 && b[0] == '0' {
		b[0] = byte('1' + r.IntN(9))
	}
	return string(b)
}

// optional returns nil for an empty string, as ent leaves an optional column unset.
func optional(s string) any {
	if s == "" {
		return nil
	}
	return s
}
