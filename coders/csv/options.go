package csv

import (
	"fmt"
	"runtime"
	"slices"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gobsl/gobsl/proto/metadatapb"
)

// Defaults of [Options].
const (
	DefaultBatchSize    = 1024     // rows per record batch
	DefaultMaxFieldSize = 16 << 20 // bytes in one field
)

// maxBatchBytes ends a batch early when its input grows beyond this size,
// so that offsets into a batch's bytes fit in 32 bits and a batch of huge
// rows does not hold gigabytes.
const maxBatchBytes = 256 << 20

// Options configures [Infer], [NewInferrer] and [NewReader]. The zero value
// is tfx-bsl's default: comma-separated, column names from the header line,
// blank lines skipped, types inferred from every row, batches of
// [DefaultBatchSize] rows.
//
// Pass the same Options to the inference pass and to the reader.
type Options struct {
	// ColumnNames names the columns in the order of the fields. When nil,
	// the first line of the input is a header that names them; when set,
	// the input has no header line.
	ColumnNames []string

	// Delimiter separates fields; 0 means ','. It must be an ASCII
	// character other than '"', '\r' and '\n'.
	Delimiter rune

	// KeepBlankLines makes a blank line a row of missing values (tfx-bsl's
	// skip_blank_lines=False). By default blank lines are skipped.
	KeepBlankLines bool

	// MultivalentColumns hold lists: each cell is split again with
	// SecondaryDelimiter, which they require.
	MultivalentColumns []string
	SecondaryDelimiter rune

	// RawRecordColumn, if set, adds a last column of that name holding each
	// row's record as it appears in the input (without its line ending):
	// large_list<large_binary>.
	RawRecordColumn string

	// Schema, a TFMD schema, gives the column types (INT, FLOAT, BYTES)
	// instead of inference; columns it does not name are dropped.
	Schema *metadatapb.Schema

	// InferRows is the number of rows that type inference reads: 0 reads
	// them all (a first pass over the input), N > 0 the first N.
	InferRows int

	// BatchSize is the number of rows per record batch; 0 means
	// DefaultBatchSize. A batch also ends early when its input exceeds
	// 256 MiB.
	BatchSize int

	// MaxFieldSize limits the bytes of one field (and of the header line),
	// a defence against untrusted input: 0 means DefaultMaxFieldSize, -1
	// no limit but that of 1 GiB on a record.
	MaxFieldSize int

	// Workers split and convert batches in parallel (a Reader's Next is
	// one of them); 0 means GOMAXPROCS.
	Workers int

	// Allocator for Arrow buffers; nil means memory.DefaultAllocator.
	Allocator memory.Allocator

	blockSize int // bytes the scanner reads at a time; tests make it small
}

// config is Options checked and with defaults applied.
type config struct {
	names      []string // nil: from the header
	delim      byte
	keepBlank  bool
	multi      map[string]bool
	delim2     byte
	raw        string
	schema     *metadatapb.Schema
	inferRows  int64 // 0: all
	batchSize  int
	maxField   int // < 0: no limit
	workers    int
	mem        memory.Allocator
	multiGiven []string
	blockSize  int
}

func validDelimiter(r rune) bool {
	return r > 0 && r < 0x80 && r != '"' && r != '\r' && r != '\n'
}

func (o *Options) config() (*config, error) {
	c := &config{
		delim:     ',',
		keepBlank: o.KeepBlankLines,
		raw:       o.RawRecordColumn,
		schema:    o.Schema,
		inferRows: int64(o.InferRows),
		batchSize: o.BatchSize,
		maxField:  o.MaxFieldSize,
		workers:   o.Workers,
		mem:       o.Allocator,
		blockSize: o.blockSize,
	}
	if c.blockSize <= 0 {
		c.blockSize = scanBlock
	}
	if o.Delimiter != 0 {
		if !validDelimiter(o.Delimiter) {
			return nil, fmt.Errorf("csv: invalid delimiter %q: want an ASCII character other than '\"', '\\r' and '\\n'", o.Delimiter)
		}
		c.delim = byte(o.Delimiter)
	}
	if o.InferRows < 0 {
		return nil, fmt.Errorf("csv: InferRows is %d; want 0 (all rows) or more", o.InferRows)
	}
	if c.batchSize == 0 {
		c.batchSize = DefaultBatchSize
	} else if c.batchSize < 0 {
		return nil, fmt.Errorf("csv: BatchSize is %d; want a positive number", c.batchSize)
	}
	switch {
	case c.maxField == 0:
		c.maxField = DefaultMaxFieldSize
	case c.maxField < -1:
		return nil, fmt.Errorf("csv: MaxFieldSize is %d; want a positive number, 0 (default) or -1 (no limit)", c.maxField)
	}
	if c.workers <= 0 {
		c.workers = runtime.GOMAXPROCS(0)
	}
	if c.mem == nil {
		c.mem = memory.DefaultAllocator
	}
	if len(o.MultivalentColumns) > 0 {
		if o.SecondaryDelimiter == 0 {
			return nil, fmt.Errorf("csv: secondary_delimiter must be specified if there are multivalent columns")
		}
		if !validDelimiter(o.SecondaryDelimiter) {
			return nil, fmt.Errorf("csv: invalid secondary delimiter %q: want an ASCII character other than '\"', '\\r' and '\\n'", o.SecondaryDelimiter)
		}
		c.delim2 = byte(o.SecondaryDelimiter)
		c.multi = make(map[string]bool, len(o.MultivalentColumns))
		for _, m := range o.MultivalentColumns {
			c.multi[m] = true
		}
		c.multiGiven = o.MultivalentColumns
	}
	if o.ColumnNames != nil {
		names := slices.Clone(o.ColumnNames)
		if err := c.checkNames(names); err != nil {
			return nil, err
		}
		c.names = names
	}
	return c, nil
}

// checkNames checks the column names (given or read from a header)
// against the other options.
func (c *config) checkNames(names []string) error {
	seen := make(map[string]bool, len(names))
	for _, n := range names {
		if seen[n] {
			return fmt.Errorf("csv: duplicate column name %q", n)
		}
		seen[n] = true
	}
	if c.raw != "" && seen[c.raw] {
		return fmt.Errorf("csv: raw_record_column_name: %s is already an existing column name. Please choose a different name.", c.raw)
	}
	for _, m := range c.multiGiven {
		if !seen[m] {
			return fmt.Errorf("csv: multivalent column %q is not a column (columns: %s)", m, pyStrList(names))
		}
	}
	return nil
}

// recordLimit bounds the bytes of one record while its end is searched
// for: with ncols columns of at most maxField bytes (quoted, every byte
// a doubled quote) any longer record has a field that is too large or too
// many fields. Before the column count is known (the header), the record
// itself is limited to maxField.
func (c *config) recordLimit(ncols int) int64 {
	const hardLimit = 1 << 30 // offsets within a batch (records, unescaped fields) are 32 bits
	if c.maxField < 0 {
		return hardLimit
	}
	if ncols == 0 {
		return int64(c.maxField)
	}
	n := int64(ncols) * (2*int64(c.maxField) + 3)
	return min(n, hardLimit)
}
