// Package coders carries Arrow record batches through Apache Beam
// pipelines and converts them to and from tf.Example records and CSV
// lines, with the semantics of packages
// [github.com/gobsl/gobsl/coders/example] and
// [github.com/gobsl/gobsl/coders/csv].
//
// # Beam coders
//
// Importing the package registers Beam coders for arrow.RecordBatch (an
// Arrow IPC stream per batch: [EncodeBatch], [DecodeBatch]) and
// *arrow.Schema ([EncodeSchema], [DecodeSchema]), so that PCollections of
// them cross shuffles and side inputs. Batches live on the Go heap:
// steps never Release the batches they receive, nor change them.
//
// # Transforms
//
//   - [Batch]: elements into slices of up to a size, per bundle;
//   - [DecodeExamples]: serialized tf.Example or tf.SequenceExample
//     records into batches; without a schema, [ScanExamples] first finds
//     the schema of the whole input (a CombineFn merging the schemas of
//     parts), so every batch has it, as tfxio.Open gives;
//   - [EncodeExamples]: batches into records;
//   - [DecodeCSV]: CSV lines into batches, the types inferred over every
//     line by [InferCSV] (a CombineFn: a column takes the greatest type of
//     its parts) unless a TFMD schema gives them.
//
// Every transform is meant for bounded data in the global window.
package coders
