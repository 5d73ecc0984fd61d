package iocount

import "io"

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
