package ingest

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/audit"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
	"github.com/partnerhub/partnerhub-api/graph/model"
)

// A stream of call legs (POST /ingest/call-legs) is read line by line and stored in
// batches of StreamBatchLegs, each in its own transaction through the same checks, bulk
// write and rollups as ingestCallLegs; the next batch is parsed while one is stored, so
// memory stays that of two batches whatever the size.
// Each line is a leg or fails on its own; a batch that commits stays stored should a later
// one fail.

// MaxStreamErrors bounds the line errors a stream's summary lists.
const MaxStreamErrors = 1000

// StreamFormat is how a stream's lines are written.
type StreamFormat int

const (
	// NDJSON is a JSON object a line: a leg under CallLegInput's keys, or a Webex call record.
	NDJSON StreamFormat = iota
	// CSV is a header row, then a row a line: legs under CallLegInput's keys, or Webex
	// call records under theirs.
	CSV
)

// StreamSummary is what a stream did.
type StreamSummary struct {
	// Received counts the lines read (blank lines and a CSV header aside).
	Received int `json:"received"`
	// Stored counts the legs stored, Duplicates those already stored, Failed the lines refused.
	Stored     int         `json:"stored"`
	Duplicates int         `json:"duplicates"`
	Failed     int         `json:"failed"`
	Errors     []LineError `json:"errors"`
}

// LineError is why a line was refused.
type LineError struct {
	Line    int    `json:"line"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// StreamOptions tune StreamCallLegs.
type StreamOptions struct {
	Format StreamFormat
	// Webex reads every line as a Webex call record (?format=webex-cdr); otherwise a CSV
	// header or a JSON line's keys tell.
	Webex bool
	// Admit, when set, waits for the right to run a batch's transaction and returns the
	// function that gives it back.
	Admit func(context.Context) (func(), error)
}

// streamBatch is the legs of a stream waiting to be stored.
type streamBatch struct {
	legs   []*model.CallLegInput
	refs   []legRef
	lines  []int
	errors []LineError // the batch's lines refused so far
}

// StreamCallLegs reads legs from body and stores them; its error is a failure to read the
// body or store (an internal error), or a bad CSV header (BAD_USER_INPUT).
func StreamCallLegs(ctx context.Context, rec *audit.Recorder, body io.Reader, opts StreamOptions) (*StreamSummary, error) {
	if !viewer.FromContext(ctx).CanIngest() {
		return nil, gqlerr.Errorf(gqlerr.Forbidden, "your role or token does not allow ingesting call legs")
	}
	s := &streamer{ctx: ctx, rec: rec, opts: opts, lines: newLineReader(body), sum: &StreamSummary{Errors: []LineError{}}}
	if err := s.run(); err != nil {
		return s.sum, err
	}
	return s.sum, nil
}

type streamer struct {
	ctx    context.Context
	rec    *audit.Recorder
	opts   StreamOptions
	lines  *lineReader
	sum    *StreamSummary
	batch  streamBatch
	header csvHeader
	width  int // the CSV header's columns
	webex  bool
}

func (s *streamer) run() error {
	st := startStorer(s)
	return st.finish(s.read(st))
}

// read parses the body's lines into batches and hands each full one to st.
func (s *streamer) read(st *storer) error {
	for {
		line, err := s.lines.next()
		switch {
		case errors.Is(err, io.EOF):
			return st.hand(s.takeBatch())
		case errors.Is(err, errLineTooLong):
			s.sum.Received++
			s.refuse(s.lines.line, err)
		case err != nil:
			return gqlerr.Errorf(gqlerr.BadUserInput, "could not read the request body: %v", err)
		case len(bytes.TrimSpace(line)) == 0:
			continue
		case s.opts.Format == CSV && s.header == nil && !s.webex:
			if err := s.readHeader(line); err != nil {
				return err
			}
			continue
		default:
			s.sum.Received++
			s.add(line)
		}
		if len(s.batch.legs)+len(s.batch.errors) >= StreamBatchLegs {
			if err := st.hand(s.takeBatch()); err != nil {
				return err
			}
		}
	}
}

// readHeader reads a CSV's header row.
func (s *streamer) readHeader(line []byte) error {
	names, err := csvRow(line)
	if err != nil {
		return gqlerr.Errorf(gqlerr.BadUserInput, "line %d: the CSV header does not parse: %v", s.lines.line, err)
	}
	s.width = len(names)
	if s.opts.Webex || isWebexHeader(names) {
		s.webex, s.header = true, csvHeader{}
		for i, n := range names {
			s.header[trimName(n)] = i
		}
		return nil
	}
	h, err := newCSVHeader(names)
	if err != nil {
		return err
	}
	s.header = h
	return nil
}

// add parses a line into the batch, or refuses it.
func (s *streamer) add(line []byte) {
	n := s.lines.line
	if !utf8.Valid(line) {
		s.refuse(n, invalid("the line is not UTF-8 text"))
		return
	}
	leg, ref, err := s.parse(line)
	if err != nil {
		s.refuse(n, err)
		return
	}
	s.batch.legs = append(s.batch.legs, leg)
	s.batch.refs = append(s.batch.refs, ref)
	s.batch.lines = append(s.batch.lines, n)
}

func (s *streamer) parse(line []byte) (*model.CallLegInput, legRef, error) {
	if s.opts.Format == CSV {
		row, err := csvRow(line)
		if err != nil {
			return nil, legRef{}, invalid("the line is not a CSV row: %v", err)
		}
		if err := checkRow(row, s.width); err != nil {
			return nil, legRef{}, err
		}
		if s.webex {
			return webexLeg(s.header.cells(row))
		}
		leg, err := legFromCells(s.header.cells(row))
		return leg, legRef{}, err
	}
	if s.opts.Webex || bytes.Contains(line, []byte(`"Report ID"`)) {
		var rec map[string]any
		if err := json.Unmarshal(line, &rec); err != nil {
			return nil, legRef{}, jsonError(err)
		}
		if _, ok := rec["Report ID"]; ok || s.opts.Webex {
			return webexLeg(func(k string) (string, bool) { return jsonCell(rec[k]) })
		}
	}
	leg, err := decodeLegJSON(line)
	return leg, legRef{}, err
}

// refuse records line n's error in the batch.
func (s *streamer) refuse(n int, err error) {
	e := audit.ItemError(s.ctx, err)
	if e == nil {
		e = &model.ItemError{Code: string(gqlerr.BadUserInput), Message: err.Error()}
	}
	s.batch.errors = append(s.batch.errors, LineError{Line: n, Code: e.Code, Message: e.Message})
}

// csvRow parses one CSV line.
func csvRow(line []byte) ([]string, error) {
	r := csv.NewReader(bytes.NewReader(line))
	r.FieldsPerRecord = -1
	return r.Read()
}

// trimName is a CSV column's name without spaces or a byte-order mark.
func trimName(n string) string { return strings.TrimSpace(strings.TrimPrefix(n, "\uFEFF")) }
