// Package csv reads CSV into Arrow record batches with the semantics of
// tfx-bsl's CSV decoder (csv_decoder.CSVToRecordBatch), fast: a
// hand-written tokenizer over large blocks, numbers parsed from bytes, and
// Arrow buffers filled directly, on all cores.
//
// # Reading
//
// [NewReader] returns a [Reader], an [array.RecordReader] of batches of
// [Options].BatchSize rows:
//
//	r, err := csv.NewReader(f, nil, csv.Options{})
//	...
//	defer r.Release()
//	for r.Next() {
//		rb := r.RecordBatch() // valid until the next call to Next
//		...
//	}
//	if err := r.Err(); err != nil { ... } // a *ParseError naming line and column
//
// The column names come from the header line, or from
// [Options].ColumnNames for input without one. Each column is
// large_list<int64>, large_list<float32> or large_list<large_binary> (INT,
// FLOAT or STRING), or null when it has no values; an empty cell is a null
// list, never an empty one, and a non-empty cell a list of one value. The
// optional raw record column ([Options].RawRecordColumn) comes last and
// holds each row's record as it appears in the input.
//
// # Types
//
// The types come from a TFMD schema ([Options].Schema: INT, FLOAT and
// BYTES; columns it does not name are dropped), from an Arrow schema
// passed to NewReader, or from inference ([Infer], [Inferrer]), which
// follows tfx-bsl: a cell that Python's int() accepts within int64 is
// INT, one that float() accepts FLOAT, any other STRING, and a column
// takes the greatest type of its cells. Python's rules mean that "+5",
// "00012", "1_000" and "1" with spaces around are INT, "0x10" and "true"
// STRING, and "nan", "-Infinity", "1e5", ".5" and "5." FLOAT; integers
// outside int64 are STRING. Floats are parsed to float64, correctly rounded, then rounded to
// float32, as Python and pyarrow do.
//
// A cell that does not convert to its column's type is an error, never a
// silent null: a schema that says INT for "1.5", or a value in a column
// that inference over the first [Options].InferRows rows found empty.
//
// # Syntax
//
// Fields are separated by [Options].Delimiter (',' by default; any ASCII
// character but '"', '\r' and '\n') and quoted as Python's csv module
// does with its default dialect, which tfx-bsl uses: a field that starts
// with '"' is quoted, "" in it is a quote, and characters after the
// closing quote are appended to the field ('a,"b"x' is a and bx); a quote
// inside an unquoted field is data. Records end at "\n" or "\r\n" outside
// quotes; a lone '\r' is data. A UTF-8 byte order mark at the start of
// the input is skipped. A blank line is skipped, or with
// [Options].KeepBlankLines is a row of nulls.
//
// Multivalent columns ([Options].MultivalentColumns) hold lists: each
// non-empty cell is split again with [Options].SecondaryDelimiter, with
// the same quoting rules. An empty value is an error in an INT or FLOAT
// column and an empty string in a STRING one.
//
// # Errors
//
// Problems with the input are reported as a [*ParseError] with the line
// (and, for a record that spans lines, the line where it starts), the
// column number and the column name, wrapping [ErrQuote], [ErrFieldCount],
// [ErrFieldSize], [ErrValue] or [ErrNoHeader]. Where tfx-bsl has a
// message, the text is tfx-bsl's, so that logs can be searched for it:
// "Columns do not match specified csv headers: ['a', 'b'] -> [b'1']"
// during inference, "Encountered a row of unexpected number of columns: 1
// vs. 2" during decoding, "Schema contains invalid type: STRUCT.".
// [Options].MaxFieldSize bounds fields on untrusted input.
//
// # Differences from tfx-bsl
//
// Deliberate ones:
//
//   - quoted fields may span lines (tfx-bsl reads line by line and breaks
//     them), and a quote left open at the end of the input is an error;
//   - with KeepBlankLines the raw record column gets an empty value for a
//     blank line (tfx-bsl leaves it out, so that column is shorter than
//     the others, an upstream bug);
//   - cells are bytes: input that is not UTF-8 is kept as it is, where
//     tfx-bsl fails to decode it; a byte order mark is skipped;
//   - a lone '\r' is data (Python's csv module fails on it);
//   - duplicate column names, and multivalent columns that are not
//     columns, are errors;
//   - integers of more than 4300 digits are STRING, where Python 3.11's
//     int() refuses them and float() makes them FLOAT;
//   - errors name lines and columns; cells that do not convert name the
//     value rather than Python's "invalid literal for int()".
//
// Delimiters are ASCII characters only.
//
// # Performance
//
// One goroutine finds where records end, which needs only quotes and line
// feeds (searched with bytes.IndexByte), and copies runs of records into
// a batch; [Options].Workers goroutines split batches into fields and
// convert them column by column into buffers from [Options].Allocator,
// and [Reader.Next] returns them in order. See BENCHMARKS.part.md.
//
// # Related packages
//
//   - [github.com/gobsl/gobsl/coders/example]: record batches to and from
//     tf.Example;
//   - [github.com/gobsl/gobsl/tfxio]: opens CSV files (many, gzip) as one
//     reader;
//   - [github.com/gobsl/gobsl/proto/metadatapb]: the TFMD schema.
package csv
