// Package tfrecord reads and writes the TFRecord framing: the container
// format TensorFlow uses for tf.Example and other serialized records. It
// deals in bytes only; it knows nothing of protocol buffers or Arrow.
//
// # Format
//
// A TFRecord stream is a sequence of records with no file header. Each
// record is
//
//	uint64 length      little-endian
//	uint32 masked CRC  of the 8 length bytes
//	byte   data[length]
//	uint32 masked CRC  of the data
//
// The CRC is CRC-32C (Castagnoli), masked as ((c>>15)|(c<<17)) + 0xa282ead8.
// The whole stream may be compressed with gzip or zlib (TensorFlow's
// "GZIP" and "ZLIB"); this package also supports zstd.
//
// # Reading
//
// [NewReader] reads from any [io.Reader] and [Open] from a file or standard
// input. [Reader.Next] returns one record's data at a time, in a buffer that
// is reused: the slice is valid until the next call to Next. In the steady
// state reading allocates nothing. The compression is detected unless
// [WithCompression] fixes it. [Reader.Next] returns io.EOF only when the
// stream ends exactly at a record boundary.
//
// Length fields are not trusted: a length above [WithMaxRecordSize]
// ([DefaultMaxRecordSize] by default) is refused, and below it the buffer
// grows only as the record's bytes actually arrive, so a damaged length in
// a short file costs no memory.
//
// # Errors
//
// Every problem with the data is an [*Error] that gives the file, the
// record's index and byte offset, and a [Reason]. Its text uses
// TensorFlow's words ("corrupted record at", "truncated record at"). Use
// [errors.Is] to classify: [ErrCorrupt] matches all data damage (CRC
// mismatches, truncation, too-large lengths, damaged compressed streams),
// [ErrTruncated] and [io.ErrUnexpectedEOF] match truncation, and
// [ErrTooLarge] an oversized length. I/O errors of the underlying reader
// come as Reason [ReadFailed] and are not ErrCorrupt.
//
// # Salvage mode
//
// By default an error ends the stream: Next returns it again on every later
// call. With [WithSalvage](true) the reader instead skips damaged regions
// and goes on, the way `verify --salvage` reports every problem of a file:
//
//   - Next still returns an [*Error] for each damaged region, once, so
//     that the caller can report it; the next call skips the region and
//     returns the record after it.
//   - After a damaged header (length CRC mismatch, too-large length) or a
//     truncated record, the reader scans forward byte by byte, from the
//     record's offset plus one, to the next offset with a length of at most
//     the maximum record size and a matching length CRC (checked even when
//     [WithVerifyChecksums] is off).
//   - A record with a data CRC mismatch has a trustworthy length, so just
//     that record is skipped. This avoids taking TFRecord bytes stored
//     inside a record's data for records.
//   - A damaged compressed stream or a failing underlying reader cannot be
//     resynchronised: its error is returned once, then io.EOF.
//   - [Reader.Salvaged] counts the bytes and regions skipped.
//
// So this loop visits every good record and every problem, and ends:
//
//	for {
//		rec, err := r.Next()
//		if err == io.EOF {
//			break
//		}
//		if err != nil {
//			log.Print(err) // *tfrecord.Error: offset, record index, reason
//			continue
//		}
//		use(rec)
//	}
//
// # Writing
//
// [NewWriter] writes to any [io.Writer], [Create] to a file that appears
// atomically when closed, and [CreateShards] round-robin to numbered shard
// files. [AppendRecord] frames a record into a byte slice, for encoders that
// frame records in parallel.
//
// # Related packages
//
//   - github.com/gobsl/gobsl/fileset expands input patterns (directories,
//     globs, prefix@N shards) and creates output files atomically.
//   - github.com/klauspost/compress provides the gzip, zlib and zstd codecs.
package tfrecord
