package report

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/reportchunk"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// chunkSize is how many bytes of a file each stored chunk holds.
const chunkSize = 256 << 10

// Store keeps report files where every instance can read them: in the database (Dir
// empty), in chunks, or as files in the directory Dir that the instances share.
type Store struct {
	Client *ent.Client
	Dir    string
}

// create returns a writer of report r's file; Close completes it.
func (s *Store) create(ctx context.Context, r *ent.Report) (io.WriteCloser, *string, error) {
	if s.Dir == "" {
		return &chunkWriter{ctx: viewer.NewContext(ctx, viewer.SystemOf(r.PartnerID)), c: s.Client, report: r.ID, partner: r.PartnerID,
			buf: make([]byte, 0, chunkSize)}, nil, nil
	}
	name := strconv.Itoa(r.PartnerID) + "-" + strconv.Itoa(r.ID) + ".csv"
	f, err := os.Create(filepath.Join(s.Dir, name))
	if err != nil {
		return nil, nil, fmt.Errorf("create report file: %w", err)
	}
	return f, &name, nil
}

// open returns a reader of report r's file.
func (s *Store) open(ctx context.Context, r *ent.Report) (io.ReadCloser, error) {
	if r.FilePath != nil {
		return os.Open(filepath.Join(s.Dir, *r.FilePath))
	}
	return &chunkReader{ctx: viewer.NewContext(ctx, viewer.SystemOf(r.PartnerID)), c: s.Client, report: r.ID}, nil
}

// remove deletes report r's file, wherever it is.
func (s *Store) remove(ctx context.Context, r *ent.Report) error {
	if r.FilePath != nil {
		if err := os.Remove(filepath.Join(s.Dir, *r.FilePath)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	_, err := s.Client.ReportChunk.Delete().Where(reportchunk.ReportID(r.ID)).Exec(viewer.NewContext(ctx, viewer.SystemOf(r.PartnerID)))
	return err
}

// chunkWriter stores what is written in chunks of chunkSize bytes.
type chunkWriter struct {
	ctx             context.Context
	c               *ent.Client
	report, partner int
	seq             int
	buf             []byte
}

func (w *chunkWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		k := min(len(p), chunkSize-len(w.buf))
		w.buf = append(w.buf, p[:k]...)
		p = p[k:]
		if len(w.buf) == chunkSize {
			if err := w.flush(); err != nil {
				return 0, err
			}
		}
	}
	return n, nil
}

func (w *chunkWriter) flush() error {
	if len(w.buf) == 0 {
		return nil
	}
	err := w.c.ReportChunk.Create().SetPartnerID(w.partner).SetReportID(w.report).SetSeq(w.seq).SetData(w.buf).Exec(w.ctx)
	if err != nil {
		return fmt.Errorf("store chunk %d of report %d: %w", w.seq, w.report, err)
	}
	w.seq++
	w.buf = w.buf[:0]
	return nil
}

func (w *chunkWriter) Close() error { return w.flush() }

// chunkReader reads the stored chunks back one at a time, in order.
type chunkReader struct {
	ctx    context.Context
	c      *ent.Client
	report int
	seq    int
	buf    []byte
	done   bool
}

func (r *chunkReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.done {
			return 0, io.EOF
		}
		ch, err := r.c.ReportChunk.Query().Where(reportchunk.ReportID(r.report), reportchunk.Seq(r.seq)).Only(r.ctx)
		if ent.IsNotFound(err) {
			r.done = true
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("read chunk %d of report %d: %w", r.seq, r.report, err)
		}
		r.buf, r.seq = ch.Data, r.seq+1
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

func (r *chunkReader) Close() error { return nil }
