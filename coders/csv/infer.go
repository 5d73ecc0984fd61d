package csv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/gobsl/gobsl/internal/ordered"
)

// Infer reads r as [NewReader] would and returns the Arrow schema of the
// record batches that NewReader produces for it with the same opts: the
// columns in order, typed as tfx-bsl infers them from the first
// opts.InferRows rows (0: all), the raw record column last. With
// opts.Schema, only the header is read and the types are the schema's.
func Infer(r io.Reader, opts Options) (*arrow.Schema, error) {
	in, err := NewInferrer(opts)
	if err != nil {
		return nil, err
	}
	if err := in.Add(r); err != nil {
		return nil, err
	}
	return in.Schema()
}

// An Inferrer infers one schema for several inputs that have the same
// columns, such as the files of a data set, each with its own header. Call
// Add for each input in order, then Schema.
//
// Type inference follows tfx-bsl's ColumnTypeInferrer. Each cell has a
// type: an empty cell UNKNOWN; one that Python's int() accepts INT if it
// is within int64, otherwise STRING; one that float() accepts FLOAT; any
// other STRING. A column's type is the greatest over its cells in the
// order UNKNOWN < INT < FLOAT < STRING. A multivalent cell's type is the
// greatest of its values' (an empty value is UNKNOWN). An UNKNOWN column
// becomes an Arrow null column.
type Inferrer struct {
	cfg    *config
	names  []string
	types  []colType
	rows   int64
	inputs int
}

// NewInferrer checks opts and returns an Inferrer.
func NewInferrer(opts Options) (*Inferrer, error) {
	cfg, err := opts.config()
	if err != nil {
		return nil, err
	}
	in := &Inferrer{cfg: cfg}
	if cfg.names != nil {
		in.names = cfg.names
		in.types = make([]colType, len(cfg.names))
	}
	return in, nil
}

// Done reports whether the rows to read for inference (Options.InferRows)
// have been read; later inputs are then read only up to their header.
func (in *Inferrer) Done() bool {
	return in.cfg.schema != nil || in.cfg.inferRows > 0 && in.rows >= in.cfg.inferRows
}

// ColumnNames returns the names of the columns, from Options.ColumnNames
// or the first input's header; nil before that.
func (in *Inferrer) ColumnNames() []string { return slices.Clip(in.names) }

// Rows returns the number of rows read so far.
func (in *Inferrer) Rows() int64 { return in.rows }

// Add reads one input: its header (which must name the same columns as
// the first input's) and its rows, until Done.
func (in *Inferrer) Add(r io.Reader) error {
	sc := newScanner(r, in.cfg, len(in.names))
	if in.cfg.names == nil {
		names, err := readHeader(sc, in.cfg)
		if err != nil {
			return err
		}
		if in.names == nil {
			if err := in.cfg.checkNames(names); err != nil {
				return err
			}
			in.names = names
			in.types = make([]colType, len(names))
		} else if !slices.Equal(names, in.names) {
			return fmt.Errorf("csv: the header %s differs from the first input's %s", pyStrList(names), pyStrList(in.names))
		}
		sc.limit = in.cfg.recordLimit(len(names))
	}
	in.inputs++
	if in.Done() {
		return nil
	}
	return in.scan(sc)
}

// scan infers types from the rows of sc, on several goroutines.
func (in *Inferrer) scan(sc *scanner) error {
	cfg := in.cfg
	p := &plan{names: in.names, delim: cfg.delim, delim2: cfg.delim2}
	multi := make([]bool, len(in.names))
	for i, n := range in.names {
		multi[i] = cfg.multi[n]
	}
	var batches, workers sync.Pool
	src := func() (*batch, error) {
		max := cfg.batchSize
		if cfg.inferRows > 0 {
			max = int(min(int64(max), cfg.inferRows-in.rows))
			if max <= 0 {
				return nil, io.EOF
			}
		}
		b, _ := batches.Get().(*batch)
		if b == nil {
			b = new(batch)
		}
		if err := sc.fill(b, max, !cfg.keepBlank); err != nil {
			return nil, p.named(err)
		}
		in.rows += int64(b.rows()) // src runs on one goroutine at a time
		return b, nil
	}
	infer := func(b *batch) ([]colType, error) {
		w, _ := workers.Get().(*worker)
		if w == nil {
			w = newWorker(cfg.maxField)
		}
		types, err := p.infer(w, b, multi)
		workers.Put(w)
		batches.Put(b)
		return types, err
	}
	merge := func(types []colType) error {
		for i, t := range types {
			in.types[i] = max(in.types[i], t)
		}
		return nil
	}
	return ordered.Map(context.Background(), cfg.workers, src, infer, merge)
}

// Schema returns the Arrow schema of the columns: see [Infer].
func (in *Inferrer) Schema() (*arrow.Schema, error) {
	if in.names == nil {
		return nil, errors.New("csv: Inferrer.Schema: no input was added, so there are no column names")
	}
	p, err := in.plan()
	if err != nil {
		return nil, err
	}
	return p.schema, nil
}

func (in *Inferrer) plan() (*plan, error) {
	types := in.types
	if in.cfg.schema != nil {
		var err error
		if types, err = typesFromTFMD(in.cfg.schema, in.names); err != nil {
			return nil, err
		}
	}
	return newPlan(in.cfg, in.names, types), nil
}

// infer returns the type of each column over the rows of b.
func (p *plan) infer(w *worker, b *batch, multi []bool) ([]colType, error) {
	ncols := len(p.names)
	if fe := w.sp.splitBatch(b, ncols, p.delim, func(cells [][]byte) error {
		return inferWidthError(p.names, cells)
	}); fe != nil {
		return nil, p.parseError(b, fe.row, fe.col, fe.err)
	}
	types := make([]colType, ncols)
	spans := w.sp.spans
	n := b.rows()
	for c := range ncols {
		t := typeUnknown
		for r := 0; r < n && t != typeString; r++ {
			k := 2 * (r*ncols + c)
			s, e := spans[k], spans[k+1]
			if s == e {
				continue
			}
			if !multi[c] {
				t = max(t, classify(b.slab[s:e]))
				continue
			}
			if !w.sp.splitCell(b, s, e, p.delim2) {
				return nil, p.parseError(b, r, c, fmt.Errorf("%w in multivalent cell %s", ErrQuote, quoteBytes(b.slab[s:e])))
			}
			for j := 0; j < len(w.sp.sub); j += 2 {
				t = max(t, classify(b.slab[w.sp.sub[j]:w.sp.sub[j+1]]))
			}
		}
		types[c] = t
	}
	return types, nil
}

// readHeader reads the column names from the first record.
func readHeader(sc *scanner, cfg *config) ([]string, error) {
	rec, ok, err := sc.next()
	if errors.Is(err, ErrFieldSize) {
		return nil, &ParseError{StartLine: 1, Line: 1, Err: fmt.Errorf("%w: the header is longer than %d bytes", ErrFieldSize, cfg.maxField)}
	}
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("csv: %w: the input is empty", ErrNoHeader)
	}
	content := sc.buf[rec.start:rec.contentEnd]
	if cfg.maxField >= 0 && len(content) > cfg.maxField {
		return nil, &ParseError{StartLine: 1, Line: 1, Err: fmt.Errorf("%w: the header is longer than %d bytes", ErrFieldSize, cfg.maxField)}
	}
	if len(content) == 0 {
		return nil, &ParseError{StartLine: 1, Line: 1, Err: ErrNoHeader}
	}
	b := &batch{slab: append([]byte(nil), content...)}
	spans, _ := splitQuoted(b, 0, uint32(len(content)), cfg.delim, nil)
	names := make([]string, len(spans)/2)
	for i := range names {
		names[i] = string(b.slab[spans[2*i]:spans[2*i+1]])
	}
	return names, nil
}
