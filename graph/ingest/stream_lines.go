package ingest

import (
	"github.com/partnerhub/partnerhub-api/graph/limit"

	"bufio"
	"bytes"
	"errors"
	"io"
)

// errLineTooLong is a line's error when it exceeds limit.LineBytes.
var errLineTooLong = invalid("the line exceeds %d bytes", limit.LineBytes)

// lineReader reads a body line by line in constant memory.
type lineReader struct {
	r    *bufio.Reader
	line int    // number of the last line read, from 1
	buf  []byte // the last line, reused
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 64<<10)}
}

// next returns the next line without its line break, or errLineTooLong for a line too
// long (skipped), or io.EOF after the last line. The line is valid until the next call.
func (lr *lineReader) next() ([]byte, error) {
	lr.buf = lr.buf[:0]
	tooLong := false
	for {
		chunk, err := lr.r.ReadSlice('\n')
		if !tooLong {
			if len(lr.buf)+len(chunk) > limit.LineBytes+2 {
				tooLong, lr.buf = true, lr.buf[:0]
			} else {
				lr.buf = append(lr.buf, chunk...)
			}
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err != nil && !errors.Is(err, io.EOF):
			return nil, err
		case errors.Is(err, io.EOF) && len(chunk) == 0 && len(lr.buf) == 0 && !tooLong:
			return nil, io.EOF
		}
		lr.line++
		if tooLong {
			return nil, errLineTooLong
		}
		return bytes.TrimRight(lr.buf, "\r\n"), nil
	}
}
