package iocount

import (
	"io"

	"github.com/apache/arrow-go/v18/arrow/array"
)

// Reader reads from R and passes the number of bytes of each read that
// returned some to Add.
type Reader struct {
	R   io.Reader
	Add func(n int64)
}

// Read reads from R and reports n > 0 to Add.
func (c *Reader) Read(p []byte) (int, error) {
	n, err := c.R.Read(p)
	if n > 0 {
		c.Add(int64(n))
	}
	return n, err
}

// Rows reads the batches of a RecordReader and passes the number of rows
// of each to Add.
type Rows struct {
	array.RecordReader
	Add func(n int64)
}

// Next advances the reader and reports the new batch's rows to Add.
func (r *Rows) Next() bool {
	if !r.RecordReader.Next() {
		return false
	}
	r.Add(r.RecordReader.RecordBatch().NumRows())
	return true
}
