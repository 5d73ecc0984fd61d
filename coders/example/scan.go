package example

import (
	"errors"

	"github.com/apache/arrow-go/v18/arrow"
)

// Scanner collects, over many batches of records, the schema that one
// schemaless [Decoder.Decode] of all the records would produce: the
// bytewise-sorted union of names, each typed by its first kind in record
// order, null for names never seen with a kind, and the feature-list
// struct last when some record has feature_lists.
//
// Decoding each batch with [DecodeOptions].ArrowSchema set to the
// Scanner's schema gives batches that share one schema and, concatenated,
// equal that single decode. This is how to write a whole input to one
// file without holding it in memory.
//
// A Scanner checks records as Decode does but stores no values. It is
// not safe for concurrent use.
type Scanner struct {
	d   *Decoder
	n   int // records scanned
	err error
}

// NewScanner returns a Scanner for records of opts.RecordType, giving the
// column types that opts.ListType and opts.BytesType select. opts.Schema
// and opts.ArrowSchema are ignored: a Scanner always infers.
func NewScanner(opts DecodeOptions) (*Scanner, error) {
	opts.Schema, opts.ArrowSchema = nil, nil
	d, err := opts.NewDecoder()
	if err != nil {
		return nil, err
	}
	d.store = false
	d.batch = 1
	return &Scanner{d: d}, nil
}

// Scan adds records to the schema. It fails as Decode would on the same
// records appended to all those scanned before, except that it does not
// check bytes values for UTF-8 (see [String]); a [*RecordError] then
// carries the index among all records scanned. After an error, Scan
// returns the same error.
func (s *Scanner) Scan(records [][]byte) error {
	if s.err != nil {
		return s.err
	}
	for i, r := range records {
		if err := s.d.record(i, r); err != nil {
			var re *RecordError
			if errors.As(err, &re) {
				re.Index += s.n
			}
			s.err = err
			return err
		}
	}
	s.n += len(records)
	return nil
}

// ArrowSchema returns the schema of the records scanned so far.
func (s *Scanner) ArrowSchema() *arrow.Schema {
	d, p := s.d, s.d.plan
	var fields []arrow.Field
	for _, c := range d.sortSeen(&d.ctx) {
		fields = append(fields, arrow.Field{Name: c.name, Type: p.decColumnType(c.kind, false), Nullable: true})
	}
	if d.sawList {
		var children []arrow.Field
		for _, c := range d.sortSeen(&d.seq) {
			children = append(children, arrow.Field{Name: c.name, Type: p.decColumnType(c.kind, true), Nullable: true})
		}
		fields = append(fields, arrow.Field{Name: p.seqName, Type: arrow.StructOf(children...), Nullable: true})
	}
	return arrow.NewSchema(fields, nil)
}
