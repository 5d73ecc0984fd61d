package tfxio

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gobsl/gobsl/fileset"
	"github.com/gobsl/gobsl/proto/metadatapb"
	"github.com/gobsl/gobsl/tensors"
)

// tensorWriter writes .npz or .safetensors output: each batch becomes
// tensors (package tensors), and the tensors of all batches are
// concatenated into one file when the writer closes.
type tensorWriter struct {
	out     *fileset.File
	adapter *tensors.Adapter
	concat  *tensors.Concat
	format  Format
	mem     memory.Allocator
	closed  bool
}

// createTensors starts .npz or .safetensors output. The tensor
// representations are those of opts.Schema (explicit and inferred, as
// tfx-bsl's TFXIOs), else those the Arrow schema implies.
func createTensors(path string, schema *arrow.Schema, format Format, opts WriteOptions) (Writer, error) {
	if opts.Shards > 1 {
		return nil, fmt.Errorf("tfxio: --shards works for TFRecord and Parquet output only")
	}
	reps, err := tensorRepresentations(schema, opts.Schema)
	if err != nil {
		return nil, err
	}
	adapter, err := tensors.NewAdapter(reps, schema)
	if err != nil {
		return nil, err
	}
	out, err := fileset.Create(path, opts.Force)
	if err != nil {
		return nil, err
	}
	// Spool next to the output: the spool is as large as the output, which
	// the system's temporary directory may not hold.
	dir := filepath.Dir(path)
	if path == fileset.Stdin {
		dir = ""
	}
	mem := opts.Allocator
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	return &tensorWriter{out: out, adapter: adapter, concat: tensors.NewConcat(tensors.ConcatOptions{TempDir: dir}), format: format, mem: mem}, nil
}

func tensorRepresentations(as *arrow.Schema, s *metadatapb.Schema) (map[string]*metadatapb.TensorRepresentation, error) {
	if s != nil {
		return tensors.RepresentationsFromSchema(s)
	}
	return tensors.RepresentationsFromArrow(as)
}

func (w *tensorWriter) Write(rb arrow.RecordBatch) error {
	if w.closed {
		return errors.New("tfxio: write after close")
	}
	ts, err := w.adapter.Convert(rb)
	if err != nil {
		return fmt.Errorf("tfxio: %s: %w", w.out.Name(), err)
	}
	return w.concat.Append(ts)
}

func (w *tensorWriter) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	defer w.concat.Close()
	if w.concat.NumRows() == 0 {
		// No rows (or no batches): write every tensor, empty.
		if err := w.appendEmpty(); err != nil {
			w.out.Abort()
			return err
		}
	}
	var err error
	if w.format == NPZ {
		err = w.concat.WriteNPZ(w.out, tensors.NPZOptions{})
	} else {
		err = w.concat.WriteSafetensors(w.out)
	}
	if err != nil {
		w.out.Abort()
		return fmt.Errorf("tfxio: %s: %w", w.out.Name(), err)
	}
	return w.out.Commit()
}

func (w *tensorWriter) appendEmpty() error {
	b := array.NewRecordBuilder(w.mem, w.adapter.Schema())
	defer b.Release()
	rb := b.NewRecordBatch()
	defer rb.Release()
	ts, err := w.adapter.Convert(rb)
	if err != nil {
		return fmt.Errorf("tfxio: %s: %w", w.out.Name(), err)
	}
	return w.concat.Append(ts)
}

func (w *tensorWriter) Abort() error {
	if !w.closed {
		w.closed = true
		w.concat.Close()
	}
	return w.out.Abort()
}
