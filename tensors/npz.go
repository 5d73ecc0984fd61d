package tensors

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"time"
)

// NPZOptions configures [Concat.WriteNPZ] and [WriteNPZ]. The zero value
// stores the arrays uncompressed, as np.savez does.
type NPZOptions struct {
	// Compress deflates every array, as np.savez_compressed does.
	Compress bool
}

// npzTime is every entry's modification time, for reproducible files.
var npzTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// WriteNPZ writes everything appended as a NumPy .npz file: a zip archive
// with one .npy file per array, named as the package documentation says.
// Bytes arrays are fixed-width byte strings ("|S<n>", NumPy's np.bytes_)
// as wide as the longest value; np.load reads them without pickle.
func (c *Concat) WriteNPZ(w io.Writer, opts NPZOptions) error {
	if err := c.ready(); err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	method := zip.Store
	if opts.Compress {
		method = zip.Deflate
	}
	for _, cp := range c.components() {
		width := 0
		if cp.dtype == Bytes {
			width = max(cp.maxLen, 1) // NumPy has no zero-width strings
		}
		f, err := zw.CreateHeader(&zip.FileHeader{Name: cp.name + ".npy", Method: method, Modified: npzTime})
		if err != nil {
			return fmt.Errorf("tensors: npz: %w", err)
		}
		if _, err := f.Write(npyHeader(npyDescr(cp.dtype, width), cp.shape())); err != nil {
			return fmt.Errorf("tensors: npz: %w", err)
		}
		if cp.dtype != Bytes {
			err = c.copyData(f, cp)
		} else {
			pad := make([]byte, width)
			err = c.eachBytes(cp, func(b []byte) error {
				if _, err := f.Write(b); err != nil {
					return err
				}
				_, err := f.Write(pad[:width-len(b)])
				return err
			})
		}
		if err != nil {
			return fmt.Errorf("tensors: npz: %s: %w", cp.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("tensors: npz: %w", err)
	}
	return nil
}

// ready checks that the Concat can be written and flushes its spool.
func (c *Concat) ready() error {
	if c.err != nil {
		return c.err
	}
	if !littleEndian {
		return errors.New("tensors: writing .npz and .safetensors needs a little-endian machine")
	}
	if c.sp != nil {
		return c.sp.flush()
	}
	return nil
}

// WriteNPZ writes one batch of tensors as a .npz file (see
// [Concat.WriteNPZ]).
func WriteNPZ(w io.Writer, ts map[string]Tensor, opts NPZOptions) error {
	c := NewConcat(ConcatOptions{InMemory: true})
	defer c.Close()
	if err := c.Append(ts); err != nil {
		return err
	}
	return c.WriteNPZ(w, opts)
}
