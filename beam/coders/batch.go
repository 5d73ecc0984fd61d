package coders

import (
	"fmt"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
)

func init() {
	register.DoFn2x0[[]byte, func([][]byte)](&batchBytesFn{})
	register.DoFn2x0[string, func([]string)](&batchStringsFn{})
	register.Emitter1[[][]byte]()
	register.Emitter1[[]string]()
}

// DefaultBatchSize is the number of elements per batch when none is
// given: 1024, as tfxio.DefaultBatchSize.
const DefaultBatchSize = 1024

// Batch groups the elements of col, a PCollection of []byte or of string,
// into slices of up to size elements (DefaultBatchSize when size <= 0): a
// PCollection of [][]byte or []string. A batch holds elements of one
// bundle, so bundles of fewer elements give smaller batches. It is meant
// for bounded input in the global window, as Beam's BatchElements.
func Batch(s beam.Scope, size int, col beam.PCollection) beam.PCollection {
	if size <= 0 {
		size = DefaultBatchSize
	}
	s = s.Scope("coders.Batch")
	switch t := col.Type().Type(); t {
	case reflect.TypeFor[[]byte]():
		return beam.ParDo(s, &batchBytesFn{Size: size}, col)
	case reflect.TypeFor[string]():
		return beam.ParDo(s, &batchStringsFn{Size: size}, col)
	default:
		panic(fmt.Sprintf("coders.Batch: elements of type %v, not []byte or string", t))
	}
}

// buffer collects the elements of a bundle into batches.
type buffer[T any] struct{ buf []T }

func (b *buffer[T]) add(size int, elem T, emit func([]T)) {
	if b.buf == nil {
		b.buf = make([]T, 0, size)
	}
	b.buf = append(b.buf, elem)
	if len(b.buf) >= size {
		emit(b.buf)
		b.buf = nil
	}
}

func (b *buffer[T]) flush(emit func([]T)) {
	if len(b.buf) > 0 {
		emit(b.buf)
	}
	b.buf = nil
}

type batchBytesFn struct {
	Size int
	b    buffer[[]byte]
}

func (fn *batchBytesFn) ProcessElement(rec []byte, emit func([][]byte)) { fn.b.add(fn.Size, rec, emit) }
func (fn *batchBytesFn) FinishBundle(emit func([][]byte))               { fn.b.flush(emit) }

type batchStringsFn struct {
	Size int
	b    buffer[string]
}

func (fn *batchStringsFn) ProcessElement(line string, emit func([]string)) {
	fn.b.add(fn.Size, line, emit)
}
func (fn *batchStringsFn) FinishBundle(emit func([]string)) { fn.b.flush(emit) }
