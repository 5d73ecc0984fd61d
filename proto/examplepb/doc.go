// Package examplepb contains the generated Go types for TensorFlow's
// tf.Example protos (proto package tensorflow): [Example],
// [SequenceExample], [Features] and [Feature], the records that TFRecord
// files written by TensorFlow and TFX usually hold.
//
// DO NOT EDIT the .pb.go files; regenerate with scripts/generate.sh from the
// sources in proto/tensorflow/core/example. CI runs
// scripts/generate.sh --check, which fails on stale generated files.
//
// # Wire format
//
// The .proto sources are written for gobsl from the project's wire
// specification and match TensorFlow's example.proto and feature.proto in
// package, message and field names and numbers. [FloatList] values are
// packed little-endian fixed32 and [Int64List] values packed varints
// (negative values take 10 bytes); parsers also accept unpacked encoding.
// If a key of [Features].Feature repeats on the wire, the last entry wins.
//
// # Missing values
//
// A feature is missing from an example in one of three ways: its key is
// absent, its [Feature] has no kind set (a zero-length message, Kind ==
// nil), or the kind is set with an empty list (the bytes 1a 00 are
// int64_list {}). The generated types keep the three apart.
//
// # Related packages
//
//   - [github.com/gobsl/gobsl/proto/metadatapb]: TensorFlow Metadata schemas
//     and statistics that describe examples.
//   - [github.com/gobsl/gobsl/coders/example]: converts between Arrow record
//     batches and serialized examples.
//   - [google.golang.org/protobuf/proto]: Marshal and Unmarshal.
package examplepb
