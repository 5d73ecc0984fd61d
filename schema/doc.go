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
// # Inference
//
// [InferOptions.Infer] infers a schema from dataset statistics (a
// DatasetFeatureStatisticsList, as [github.com/gobsl/gobsl/stats] computes
// it or TFX's StatisticsGen writes it) the way TFDV's infer_schema does:
// type, presence, value counts or shape, and bool, int or string domains.
// [InferOptions.Update] relaxes a schema to fit more statistics, as TFDV's
// update_schema does; SchemaGen infers from one split and updates with the
// others. [InferOptions.InferRecords] computes the statistics of a
// record reader and infers from them. Fed TFX's statistics, Infer and
// Update reproduce TFX's SchemaGen output (the taxi and iris testdata).
//
// # Arrow
//
// [ToArrow] gives the Arrow schema of the record batches that decoding
// with a TFMD schema produces (tfx-bsl's large_list types by default, the
// ##SEQUENCE## struct for tf.SequenceExample); [FromArrow] gives the
// feature names and types of an Arrow schema.
//
// # Tensor representations
//
// [InferTensorRepresentations] derives the tensors a schema's features make
// (dense, varlen sparse, sparse and ragged), as tfx-bsl's
// InferTensorRepresentationsFromSchema; [InferTensorRepresentationsMixed]
// combines them with the schema's explicit tensor_representation_group "",
// as InferTensorRepresentationsFromMixedSchema. Errors wrap
// [ErrSourceFeature], [ErrSparseShape], [ErrShapeNotRequired] and
// [ErrNestedStruct] and carry tfx-bsl's messages.
//
// # Related packages
//
//   - [github.com/gobsl/gobsl/proto/metadatapb]: the generated types;
//   - [github.com/gobsl/gobsl/stats]: the statistics inference reads;
//   - [github.com/gobsl/gobsl/validate]: checks data against a schema;
//   - [github.com/gobsl/gobsl/coders/example]: decodes records into the
//     columns a schema names.
package schema
