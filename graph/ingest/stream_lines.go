package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// MaxLineBytes bounds a line of a streamed ingest: a call leg takes a few hundred bytes, a
// Webex call record a few kilobytes. A longer line is skipped with its own error, without
// being held in memory.
const MaxLineBytes = 64 << 10

// errLineTooLong is a line's error when it exceeds MaxLineBytes.
var errLineTooLong = invalid("the line exceeds %d bytes", MaxLineBytes)

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
			if len(lr.buf)+len(chunk) > MaxLineBytes+2 {
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
