package filter

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/status"
)

// SyntaxError reports where a query string is malformed and what was expected there.
type SyntaxError struct {
	// Pos is the 1-based character position of the problem.
	Pos int
	Msg string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("query: position %d: %s", e.Pos, e.Msg) }

// qualifiers maps each qualifier to how its values compile.
var qualifiers = map[string]func(values []token) (Criterion, error){
	"status":  enumValues(Statuses),
	"product": enumValues(Products),
	"type":    enumValues(Kinds),
	"region":  enumValues(Regions),
	"tag": func(values []token) (Criterion, error) {
		names := make([]string, len(values))
		for i, v := range values {
			names[i] = v.text
		}
		return TagNames(names...), nil
	},
	"managed": func(values []token) (Criterion, error) {
		if len(values) != 1 || (!strings.EqualFold(values[0].text, "me") && !strings.EqualFold(values[0].text, "partner")) {
			return Criterion{}, &SyntaxError{values[0].pos, "expected managed:me or managed:partner"}
		}
		if strings.EqualFold(values[0].text, "me") {
			return ManagedByMe(), nil
		}
		return All(), nil
	},
	"kpi": func(values []token) (Criterion, error) {
		out := make([]Criterion, len(values))
		for i, v := range values {
			k := status.Kpi(strings.ToUpper(strings.ReplaceAll(v.text, "-", "_")))
			if !slices.Contains(status.Kpis, k) {
				return Criterion{}, &SyntaxError{v.pos, fmt.Sprintf("unknown value %q; expected one of total, approaching_expiration, upcoming_renewal, low_assignment, over_limit", v.text)}
			}
			out[i] = Kpi(k)
		}
		return Any(out...), nil
	},
	"created": func(values []token) (Criterion, error) {
		if len(values) != 1 {
			return Criterion{}, &SyntaxError{values[1].pos, "created: takes one date or range, not a list"}
		}
		return createdRange(values[0])
	},
}

const qualifierList = "status:, product:, type:, tag:, region:, managed:, created:, kpi:"

// enumValues compiles values of an enum qualifier, case-insensitively, '-' read as '_'.
func enumValues[T interface {
	~string
	Values() []string
}](build func(...T) Criterion) func([]token) (Criterion, error) {
	return func(values []token) (Criterion, error) {
		out := make([]T, len(values))
		for i, v := range values {
			parsed, err := enum.Parse[T](strings.ToUpper(strings.ReplaceAll(v.text, "-", "_")))
			if err != nil {
				var zero T
				return Criterion{}, &SyntaxError{v.pos, fmt.Sprintf("unknown value %q; expected one of %s", v.text, strings.ToLower(strings.Join(zero.Values(), ", ")))}
			}
			out[i] = parsed
		}
		return build(out...), nil
	}
}

// createdRange compiles >D, >=D, <D, <=D, D..D (inclusive days) and D (that day).
func createdRange(v token) (Criterion, error) {
	day := func(s string, pos int) (time.Time, error) {
		t, err := time.Parse("2006-01-02", s)
		if err != nil {
			return t, &SyntaxError{pos, fmt.Sprintf("expected a date as YYYY-MM-DD, got %q", s)}
		}
		return t, nil
	}
	next := func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }
	s := v.text
	for _, op := range []string{">=", "<=", ">", "<"} {
		if rest, ok := strings.CutPrefix(s, op); ok {
			t, err := day(rest, v.pos+len(op))
			if err != nil {
				return Criterion{}, err
			}
			switch op {
			case ">=":
				return CreatedFrom(t), nil
			case ">":
				return CreatedFrom(next(t)), nil
			case "<=":
				return CreatedBefore(next(t)), nil
			default:
				return CreatedBefore(t), nil
			}
		}
	}
	if from, to, ok := strings.Cut(s, ".."); ok {
		a, err := day(from, v.pos)
		if err != nil {
			return Criterion{}, err
		}
		b, err := day(to, v.pos+len(from)+2)
		if err != nil {
			return Criterion{}, err
		}
		return Both(CreatedFrom(a), CreatedBefore(next(b))), nil
	}
	t, err := day(s, v.pos)
	if err != nil {
		return Criterion{}, err
	}
	return Both(CreatedFrom(t), CreatedBefore(next(t))), nil
}

// token is a value or word with its 1-based position.
type token struct {
	text string
	pos  int
}

// Parse compiles a query string into criteria.
func Parse(query string) (Criteria, error) {
	p := &parser{src: []rune(query)}
	var out Criteria
	for {
		p.skipSpace()
		if p.done() {
			return out, nil
		}
		c, err := p.term()
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
}

type parser struct {
	src []rune
	i   int
}

func (p *parser) done() bool { return p.i >= len(p.src) }

func (p *parser) skipSpace() {
	for !p.done() && unicode.IsSpace(p.src[p.i]) {
		p.i++
	}
}

// term reads ['-'] (qualifier ':' value {',' value} | word).
func (p *parser) term() (Criterion, error) {
	negate := false
	if p.src[p.i] == '-' {
		negate = true
		p.i++
		if p.done() || unicode.IsSpace(p.src[p.i]) {
			return Criterion{}, &SyntaxError{p.i + 1, "expected a qualifier or word after '-'"}
		}
	}
	start := p.i
	first, err := p.value(true)
	if err != nil {
		return Criterion{}, err
	}
	var c Criterion
	if !p.done() && p.src[p.i] == ':' && !first.quoted {
		build, ok := qualifiers[strings.ToLower(first.text)]
		if !ok {
			return Criterion{}, &SyntaxError{start + 1, fmt.Sprintf("unknown qualifier %q; expected one of %s", first.text+":", qualifierList)}
		}
		p.i++
		values, err := p.values()
		if err != nil {
			return Criterion{}, err
		}
		if c, err = build(values); err != nil {
			return Criterion{}, err
		}
	} else {
		if first.text == "" {
			return Criterion{}, &SyntaxError{start + 1, "expected a word or qualifier"}
		}
		c = Text(first.text)
	}
	if negate {
		c = Not(c)
	}
	if !p.done() && !unicode.IsSpace(p.src[p.i]) {
		return Criterion{}, &SyntaxError{p.i + 1, fmt.Sprintf("unexpected %q; expected a space", p.src[p.i])}
	}
	return c, nil
}

// values reads value {',' value}.
func (p *parser) values() ([]token, error) {
	var out []token
	for {
		if p.done() || unicode.IsSpace(p.src[p.i]) || p.src[p.i] == ',' {
			return nil, &SyntaxError{p.i + 1, "expected a value"}
		}
		v, err := p.value(false)
		if err != nil {
			return nil, err
		}
		out = append(out, v.token)
		if p.done() || p.src[p.i] != ',' {
			return out, nil
		}
		p.i++
	}
}

type scanned struct {
	token
	quoted bool
}

// value reads a double-quoted string or a run of characters up to a space, comma, quote
// or (when stopAtColon) colon.
func (p *parser) value(stopAtColon bool) (scanned, error) {
	start := p.i
	if p.src[p.i] == '"' {
		p.i++
		var b strings.Builder
		for !p.done() && p.src[p.i] != '"' {
			b.WriteRune(p.src[p.i])
			p.i++
		}
		if p.done() {
			return scanned{}, &SyntaxError{start + 1, "unterminated quote; expected a closing '\"'"}
		}
		p.i++
		if strings.TrimSpace(b.String()) == "" {
			return scanned{}, &SyntaxError{start + 1, "expected a non-empty quoted value"}
		}
		return scanned{token{b.String(), start + 1}, true}, nil
	}
	for !p.done() {
		r := p.src[p.i]
		if unicode.IsSpace(r) || r == ',' || r == '"' || (stopAtColon && r == ':') {
			break
		}
		p.i++
	}
	return scanned{token: token{string(p.src[start:p.i]), start + 1}}, nil
}
