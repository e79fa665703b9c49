package ingest

import (
	"errors"
	"hash/fnv"
	"slices"

	"golang.org/x/sync/errgroup"

	"github.com/partnerhub/partnerhub-api/graph/model"
)

// storer stores a stream's batches one after the other, in their order, while the
// streamer parses the next one: the database and the parsing work at the same time.
type storer struct {
	s       *streamer
	batches chan streamBatch
	stopped chan struct{} // closed when a batch failed to store
	done    chan error    // the first error storing, once every batch is handed in
}

func startStorer(s *streamer) *storer {
	st := &storer{s: s, batches: make(chan streamBatch), stopped: make(chan struct{}), done: make(chan error, 1)}
	go st.loop()
	return st
}

func (st *storer) loop() {
	var err error
	for b := range st.batches {
		if err != nil {
			continue
		}
		if err = st.s.flush(&b); err != nil {
			close(st.stopped)
		}
	}
	st.done <- err
}

// hand gives st a batch to store after those handed before, and returns the error of
// one of those that failed to store, if any (the streamer then stops reading).
func (st *storer) hand(b streamBatch) error {
	select {
	case st.batches <- b:
		return nil
	case <-st.stopped:
		return errStopped
	}
}

// errStopped is read's error when a batch failed to store: finish returns that failure.
var errStopped = errors.New("a batch failed to store")

// finish waits for the batches handed in to be stored and returns the stream's error:
// the failure to store one, else readErr.
func (st *storer) finish(readErr error) error {
	close(st.batches)
	if err := <-st.done; err != nil {
		return err
	}
	return readErr
}

// takeBatch returns the batch read so far and starts a new one.
func (s *streamer) takeBatch() streamBatch {
	b := s.batch
	s.batch = streamBatch{}
	return b
}

// flush stores b and adds its outcome to the summary.
func (s *streamer) flush(b *streamBatch) error {
	parts, err := s.storeParts(b)
	if err != nil {
		return err
	}
	for _, p := range parts {
		for i, res := range p.out.Results {
			switch {
			case res.Error != nil:
				b.errors = append(b.errors, LineError{Line: p.lines[i], Code: res.Error.Code, Message: res.Error.Message})
			case res.Created:
				s.sum.Stored++
			default:
				s.sum.Duplicates++
			}
		}
	}
	s.sum.Failed += len(b.errors)
	slices.SortFunc(b.errors, func(x, y LineError) int { return x.Line - y.Line })
	room := max(0, MaxStreamErrors-len(s.sum.Errors))
	s.sum.Errors = append(s.sum.Errors, b.errors[:min(room, len(b.errors))]...)
	return nil
}

// batchParts is how many transactions store a batch's legs at once: its legs are split by
// the customer they name (a stream names each customer one way), so the parts' customer
// locks and rollup rows never meet, and the database works on as many cores. A leg ID
// sent for customers of both parts is stored once, for the part that commits it first,
// and refused as a conflict in the other; the legs go in in leg ID order, so the parts
// never wait for each other's leg IDs in a cycle.
const batchParts = 2

// partOf is the part of a batch that stores the legs of the customer named ref: FNV-1a,
// whose low bits alone follow the last bytes too closely, mixed by MurmurHash3's final
// steps.
func partOf(ref string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(ref))
	x := h.Sum64()
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	return x % batchParts
}

// storedPart is one part of a batch and its outcome.
type storedPart struct {
	legs  []*model.CallLegInput
	refs  []legRef
	lines []int
	out   *model.IngestPayload
}

// storeParts stores b's legs in batchParts transactions at once, each admitted on its own.
func (s *streamer) storeParts(b *streamBatch) ([]*storedPart, error) {
	parts := make([]*storedPart, batchParts)
	for i := range parts {
		parts[i] = &storedPart{}
	}
	for i, leg := range b.legs {
		p := parts[partOf(leg.CustomerExternalID)]
		p.legs, p.refs, p.lines = append(p.legs, leg), append(p.refs, b.refs[i]), append(p.lines, b.lines[i])
	}
	g, ctx := errgroup.WithContext(s.ctx)
	for _, p := range parts {
		if len(p.legs) == 0 {
			continue
		}
		g.Go(func() error {
			leave := func() {}
			if s.opts.Admit != nil {
				var err error
				if leave, err = s.opts.Admit(ctx); err != nil {
					return err
				}
			}
			defer leave()
			out, err := callLegs(ctx, s.rec, "POST /ingest/call-legs", p.legs, p.refs)
			p.out = out
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return slices.DeleteFunc(parts, func(p *storedPart) bool { return p.out == nil }), nil
}
