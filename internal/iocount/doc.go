// Package iocount counts the bytes read through an [io.Reader], and the
// rows read through an array.RecordReader, for progress displays.
//
// [Reader] reports the size of every read to a callback, [Rows] the rows
// of every batch; the callback keeps the total (an atomic counter, when
// another goroutine shows it).
//
// # Related packages
//
//   - [github.com/gobsl/gobsl/tfxio]: ReadOptions.Progress counts the
//     input bytes of Open with it, ConvertOptions.Rows the rows of Convert;
//   - [github.com/gobsl/gobsl/cmd/inspect]: its progress line counts the
//     TFRecord files it reads directly, and the rows of what it reads
//     through tfxio.
package iocount
