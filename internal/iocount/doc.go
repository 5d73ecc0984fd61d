// Package iocount counts the bytes read through an [io.Reader], for
// progress displays.
//
// [Reader] reports the size of every read to a callback; the callback
// keeps the total (an atomic counter, when another goroutine shows it).
//
// # Related packages
//
//   - [github.com/gobsl/gobsl/tfxio]: ReadOptions.Progress counts the
//     input bytes of Open with it;
//   - [github.com/gobsl/gobsl/cmd/inspect]: its progress line counts the
//     TFRecord files it reads directly.
package iocount
