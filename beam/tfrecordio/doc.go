// Package tfrecordio reads and writes TFRecord files in Apache Beam
// pipelines, with the framing, compressions and checks of package
// [github.com/gobsl/gobsl/tfrecord].
//
// # Reading
//
// [Read] expands file patterns on a worker and reads the files with a
// splittable DoFn. Each file is one restriction. An uncompressed file's
// restriction is its byte range, first split into parts of
// [ReadOptions].SplitSize and split further by the runner while it is
// read; a record belongs to the part that holds the offset of its header.
// A part that starts inside the file finds its first record by walking
// the record headers from the start of the file (checking each length's
// CRC and seeking past the data), since a record's data may hold bytes
// that look like a header. Files compressed with gzip, zlib or zstd
// (detected from their first bytes) cannot be split and are read whole.
// Errors are [*tfrecord.Error]s that name the file, the record's index in
// it and its byte offset.
//
// # Writing
//
// [Write] spreads records round-robin over [WithNumShards] files named
// prefix-SSSSS-of-NNNNN plus the compression's extension
// (fileset.ShardName). Each shard, empty or not, is written to a
// temporary file in a folder ".temp-NAME-ID" beside the output; a
// finalize step, which waits for every shard (they are its side input),
// renames them into place and removes the folder. Nothing appears under
// the final names before the whole write has succeeded.
//
// # Related packages
//
//   - [github.com/gobsl/gobsl/beam/coders]: records to and from Arrow
//     record batches;
//   - [github.com/gobsl/gobsl/fileset]: the local patterns Read accepts.
package tfrecordio
