package ingest

import (
	"errors"
	"slices"
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
	if len(b.legs) > 0 {
		leave := func() {}
		if s.opts.Admit != nil {
			var err error
			if leave, err = s.opts.Admit(s.ctx); err != nil {
				return err
			}
		}
		out, err := callLegs(s.ctx, s.rec, "POST /ingest/call-legs", b.legs, b.refs)
		leave()
		if err != nil {
			return err
		}
		for i, res := range out.Results {
			switch {
			case res.Error != nil:
				b.errors = append(b.errors, LineError{Line: b.lines[i], Code: res.Error.Code, Message: res.Error.Message})
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
