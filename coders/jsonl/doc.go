// Package jsonl reads and writes Arrow record batches as JSON lines: one
// JSON object per row, one member per column.
//
// # Values
//
// The representation is the one "inspect cat --format flat" shows, so that
// TFRecord data can be read and edited by hand and converted back:
//
//   - integers are JSON numbers written exactly (int64 values beyond 2^53
//     are exact in the text; readers must not round them through float64);
//   - floats are JSON numbers in the shortest form that reads back to the
//     same value; NaN and the infinities are the strings "NaN", "Infinity"
//     and "-Infinity";
//   - bytes are a JSON string when they are valid UTF-8, else an object
//     {"base64":"..."};
//   - lists are arrays, structs are objects, a null cell is null. Other
//     Arrow types (timestamps, decimals, ...) are written as strings.
//
// JSON does not say whether 2 is an int64 or a float, nor whether a string
// is bytes or text: reading takes the types from an Arrow schema, given or
// inferred by [Infer] (which, like tfx-bsl's schemaless decoder, makes every
// column a large_list of int64, float32 or large_binary; a column whose
// values are lists of lists becomes large_list<large_list<T>>, and an
// object column a struct of such columns).
//
// # Related packages
//
//   - [github.com/gobsl/gobsl/tfxio]: reads and writes .jsonl files among
//     the other formats.
package jsonl
