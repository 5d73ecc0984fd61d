package tfrecord

import (
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Sentinel errors. An [*Error] reports them through [errors.Is]; they are
// never returned bare by [Reader.Next].
var (
	// ErrCorrupt is the umbrella for every kind of data damage: CRC
	// mismatches, truncation, an oversized length field and a damaged
	// compressed stream. errors.Is(err, ErrCorrupt) is false for I/O errors
	// of the underlying reader and for API misuse.
	ErrCorrupt = errors.New("tfrecord: corrupted record")

	// ErrTruncated reports a stream that ends inside a record: a partial
	// header, partial data or a missing data CRC. Such an error is also
	// ErrCorrupt and io.ErrUnexpectedEOF.
	ErrTruncated = errors.New("tfrecord: truncated record")

	// ErrTooLarge reports a length field above the reader's maximum record
	// size (see [WithMaxRecordSize]). Such an error is also ErrCorrupt,
	// since the usual cause is a damaged length field.
	ErrTooLarge = errors.New("tfrecord: record too large")
)

// Reason says what is wrong with a record. It is the Reason field of [Error].
type Reason int

// The reasons a record can fail.
const (
	// LengthCRCMismatch: the masked CRC of the length field does not match.
	LengthCRCMismatch Reason = iota + 1
	// DataCRCMismatch: the masked CRC of the data does not match.
	DataCRCMismatch
	// TruncatedHeader: the stream ends inside the 12-byte header.
	TruncatedHeader
	// TruncatedData: the stream ends inside the data or its CRC.
	TruncatedData
	// TooLarge: the length field exceeds the maximum record size.
	TooLarge
	// BadCompression: the decompressor rejected the compressed stream
	// (bad header, corrupt block, checksum mismatch, or a compressed stream
	// that ends early). Err holds the codec's error.
	BadCompression
	// ReadFailed: the underlying reader returned an error other than
	// io.EOF. Err holds it. This is the only reason that is not ErrCorrupt.
	ReadFailed
)

var reasonText = [...]string{
	LengthCRCMismatch: "length CRC mismatch",
	DataCRCMismatch:   "data CRC mismatch",
	TruncatedHeader:   "truncated header",
	TruncatedData:     "truncated data",
	TooLarge:          "record too large",
	BadCompression:    "bad compressed stream",
	ReadFailed:        "read failed",
}

// String returns the reason in words, for example "data CRC mismatch".
func (r Reason) String() string {
	if r > 0 && int(r) < len(reasonText) {
		return reasonText[r]
	}
	return "Reason(" + strconv.Itoa(int(r)) + ")"
}

// truncated reports whether r is one of the truncation reasons.
func (r Reason) truncated() bool { return r == TruncatedHeader || r == TruncatedData }

// Error describes a record that could not be read: where it is and why.
//
// Its text uses TensorFlow's words ("corrupted record at", "truncated record
// at") so that logs can be searched the same way, for example:
//
//	tfrecord: data.tfrecord: corrupted record at 1234 (record 7): data CRC mismatch
//	tfrecord: data.tfrecord: truncated record at 1234 (record 7): truncated data (want 104 bytes, got 37)
//
// Use [errors.Is] with [ErrCorrupt], [ErrTruncated], [ErrTooLarge] or
// [io.ErrUnexpectedEOF] to classify it, and [errors.As] to get the position.
type Error struct {
	Path   string // file name, "" if unknown ("-" for stdin)
	Record int64  // 0-based index of the record that failed: the number of records returned before it
	Offset int64  // byte offset of that record's header in the (decompressed) stream
	Reason Reason
	// Want and Got give the sizes involved, when the reason has sizes.
	// TruncatedHeader: Want is 12 and Got the header bytes present.
	// TruncatedData: Want is the data length plus 4 (its CRC) and Got the
	// bytes present after the header. TooLarge: Want is the length field's
	// value and Got the maximum record size in force. Otherwise both are 0.
	Want, Got int64
	Err       error // underlying I/O or decompression error, if any
}

// Error implements the error interface.
func (e *Error) Error() string {
	b := make([]byte, 0, 96)
	b = append(b, "tfrecord: "...)
	if e.Path != "" {
		b = append(b, e.Path...)
		b = append(b, ": "...)
	}
	switch {
	case e.Reason == ReadFailed:
		b = append(b, "read failed at "...)
	case e.Reason.truncated():
		b = append(b, "truncated record at "...)
	default:
		b = append(b, "corrupted record at "...)
	}
	b = strconv.AppendInt(b, e.Offset, 10)
	b = append(b, " (record "...)
	b = strconv.AppendInt(b, e.Record, 10)
	b = append(b, ")"...)
	if e.Reason != ReadFailed || e.Err == nil {
		b = append(b, ": "...)
		b = append(b, e.Reason.String()...)
	}
	switch {
	case e.Reason.truncated():
		b = fmt.Appendf(b, " (want %d bytes, got %d)", e.Want, e.Got)
	case e.Reason == TooLarge:
		b = fmt.Appendf(b, " (length %d, limit %d)", e.Want, e.Got)
	}
	if e.Err != nil && !(e.Reason.truncated() && e.Err == io.ErrUnexpectedEOF) {
		b = append(b, ": "...)
		b = append(b, e.Err.Error()...)
	}
	return string(b)
}

// Unwrap returns the underlying error, if any. For truncation it is
// [io.ErrUnexpectedEOF] (or the decompressor's error, if it reported one).
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether the error matches target: [ErrCorrupt] for every
// reason except ReadFailed, [ErrTruncated] for the truncation reasons and
// [ErrTooLarge] for TooLarge. Other targets are matched through [Error.Unwrap].
func (e *Error) Is(target error) bool {
	switch target {
	case ErrCorrupt:
		return e.Reason != ReadFailed
	case ErrTruncated:
		return e.Reason.truncated()
	case ErrTooLarge:
		return e.Reason == TooLarge
	}
	return false
}
