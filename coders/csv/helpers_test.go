package csv

import (
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// output is what a reader produced, in a form cmp.Diff shows well.
type output struct {
	Fields  []string // "name: type"
	Batches []int    // rows per batch
	Rows    [][]any  // per column: nil (null), []int64, []float32 or []string
}

func fieldsOf(s *arrow.Schema) []string {
	var out []string
	for _, f := range s.Fields() {
		out = append(out, f.Name+": "+typeName(f.Type))
	}
	return out
}

// typeName is a short name for the column types.
func typeName(t arrow.DataType) string {
	switch {
	case arrow.TypeEqual(t, intListType):
		return "int"
	case arrow.TypeEqual(t, floatListType):
		return "float"
	case arrow.TypeEqual(t, binaryListType):
		return "bytes"
	case t.ID() == arrow.NULL:
		return "null"
	}
	return t.String()
}

// cell returns row i of column a.
func cell(a arrow.Array, i int) any {
	if a.IsNull(i) || a.DataType().ID() == arrow.NULL {
		return nil
	}
	l, ok := a.(*array.LargeList)
	if !ok {
		return fmt.Sprintf("unexpected %T", a)
	}
	start, end := l.ValueOffsets(i)
	switch v := l.ListValues().(type) {
	case *array.Int64:
		return append([]int64{}, v.Int64Values()[start:end]...)
	case *array.Float32:
		return append([]float32{}, v.Float32Values()[start:end]...)
	case *array.LargeBinary:
		out := []string{}
		for j := start; j < end; j++ {
			out = append(out, string(v.Value(int(j))))
		}
		return out
	}
	return fmt.Sprintf("unexpected values %T", l.ListValues())
}

// drain reads every batch of rr into an output.
func drain(t *testing.T, rr array.RecordReader) (output, error) {
	t.Helper()
	out := output{Fields: fieldsOf(rr.Schema())}
	for rr.Next() {
		rb := rr.RecordBatch()
		if !rb.Schema().Equal(rr.Schema()) {
			t.Errorf("batch schema %v differs from the reader's %v", rb.Schema(), rr.Schema())
		}
		for _, c := range rb.Columns() {
			if v, ok := c.(interface{ ValidateFull() error }); ok {
				if err := v.ValidateFull(); err != nil {
					t.Errorf("invalid column: %v", err)
				}
			}
			if l, ok := c.(*array.LargeList); ok {
				if v, ok := l.ListValues().(interface{ ValidateFull() error }); ok {
					if err := v.ValidateFull(); err != nil {
						t.Errorf("invalid values: %v", err)
					}
				}
			}
		}
		out.Batches = append(out.Batches, int(rb.NumRows()))
		for i := 0; i < int(rb.NumRows()); i++ {
			row := make([]any, rb.NumCols())
			for j, c := range rb.Columns() {
				row[j] = cell(c, i)
			}
			out.Rows = append(out.Rows, row)
		}
	}
	return out, rr.Err()
}

// read decodes input with opts (a schema inferred when none is given).
func read(t *testing.T, mem memory.Allocator, input string, schema *arrow.Schema, opts Options) (output, error) {
	t.Helper()
	opts.Allocator = mem
	r, err := NewReader(strings.NewReader(input), schema, opts)
	if err != nil {
		return output{}, err
	}
	defer r.Release()
	return drain(t, r)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
