// Package schema loads, saves and works with TensorFlow Metadata (TFMD)
// schemas: the [metadatapb.Schema] protos that TFDV and TFX's SchemaGen
// write as schema.pbtxt.
//
// # Loading and saving
//
// [Load] reads a schema in text format (.pbtxt, as TFX writes it) or in
// binary; [Parse] does the same for bytes; [Save] writes text or binary by
// the file's extension.
//
// # Related packages
//
//   - [github.com/gobsl/gobsl/proto/metadatapb]: the generated types;
//   - [github.com/gobsl/gobsl/coders/example]: decodes records into the
//     columns a schema names.
package schema
