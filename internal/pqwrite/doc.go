// Package pqwrite writes Arrow record batches to one Parquet file with the
// leaf columns of each batch encoded and compressed on several cores.
//
// arrow-go's [pqarrow.FileWriter] writes the columns of a batch one after
// the other on the caller's goroutine; in a TFRecord-to-Parquet convert
// that writer was the bottleneck on two cores (BENCHMARKS.md). [Writer]
// keeps arrow-go's buffered row groups, where every column chunk has its
// own page buffer, computes the definition and repetition levels of each
// leaf itself, and hands each leaf to [pqarrow.WriteArrowToColumn] on its
// own goroutine. Columns share no state there, so the file is byte for
// byte the one [pqarrow.FileWriter.WriteBuffered] writes with the same
// properties (the package's tests compare the two on random nested
// data).
//
// Schemas with types outside the set whose levels this package computes
// (struct, list and large_list over primitive, binary and string leaves,
// and null) are written by a [pqarrow.FileWriter] instead.
//
// Related packages: tfxio, which writes .parquet outputs with it.
package pqwrite
