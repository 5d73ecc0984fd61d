// Package example converts between serialized tf.Example or
// tf.SequenceExample records and Arrow record batches, with the semantics
// of tfx-bsl's C++ coders (ExamplesToRecordBatchDecoder,
// SequenceExamplesToRecordBatchDecoder and RecordBatchToExamplesEncoder).
//
// # Decoding
//
// [DecodeOptions.NewDecoder] returns a [Decoder] whose [Decoder.Decode]
// turns a batch of records into one [arrow.RecordBatch], a row per record:
//
//	dec, err := example.DecodeOptions{Schema: schema}.NewDecoder()
//	...
//	rb, err := dec.Decode(records)
//	...
//	defer rb.Release()
//
// Each feature becomes a list column: int64_list, float_list and
// bytes_list give large_list<int64>, large_list<float32> and
// large_list<large_binary> (the [ListType] and [BytesType] options select
// list<…>, binary or utf8 instead). A feature whose name is absent, or
// whose kind is not set, is a null cell; a kind with no values is an
// empty list. Float bits (NaN payloads, -0) and arbitrary bytes are kept.
//
// With a TFMD schema ([DecodeOptions].Schema), the columns and their
// types follow Schema.feature. With a fixed Arrow schema
// ([DecodeOptions].ArrowSchema), the columns are exactly its fields.
// Without either, the columns are the names seen in the batch in bytewise
// order, each typed by the first kind seen; names never seen with a kind
// become columns of Arrow type null. Features not in a fixed schema are
// ignored. A feature of another kind than its column fails the whole batch
// with a [*KindError]; a record that does not parse fails it with
// [ErrParseExample] or [ErrParseSequenceExample]. Both come wrapped in a
// [*RecordError] holding the record's index.
//
// # Sequence examples
//
// With RecordType [SequenceExample], context features decode as above and
// the feature lists go into one struct column, named
// [DefaultSequenceColumn] unless SequenceColumn says otherwise, placed
// last. Each child is a list of steps, each step a list of values:
// large_list<large_list<T>>. An absent feature list is a null cell, a
// step whose Feature has no kind is a null step. Without a schema, a child
// whose steps never have a kind is large_list<null>; the struct column is
// absent when no record has feature_lists, and a struct with no children
// when the feature_lists are all empty. Unlike tfx-bsl, int64 values of
// feature lists are not truncated to 32 bits.
//
// # Many batches, one schema
//
// Without a schema each batch gets its own Arrow schema. To write a whole
// input with one schema, collect it first with a [Scanner], then decode
// with [DecodeOptions].ArrowSchema set to [Scanner.ArrowSchema]: the
// batches then equal, concatenated, a single decode of all records.
//
// A [BatchReader] reads records from a [RecordSource] (such as a TFRecord
// file, or records in memory: [NewSliceSource]), decodes batches on
// several goroutines, its caller's among them, and returns them in order
// as an [array.RecordReader]. It needs a fixed schema.
//
// # Wire format
//
// The decoder reads the protobuf wire format directly, without building
// messages, and accepts exactly what proto.Unmarshal accepts: fields in
// any order, unknown fields, packed and unpacked numbers, repeated map
// keys (the last entry wins) and repeated message fields (which merge).
// The package internal/reference holds a decoder built on proto.Unmarshal
// that tests and fuzzing compare it with.
//
// # Concurrency and memory
//
// A [Decoder] reuses scratch memory between batches and must not be used
// by several goroutines at once; [Decoder.Clone] gives each its own.
// Output buffers come from [DecodeOptions].Allocator. The default
// allocator recycles the buffers of released batches for later ones (and
// hands a column's scratch memory over as its buffer instead of copying
// it), so release each batch when done: a batch that is never released is
// garbage collected, but its memory is not reused. A [BatchReader] with
// one worker decodes in Next, on the caller's goroutine; with more, each
// worker reads and decodes its own batches and Next returns them in order.
//
// # Related packages
//
//   - github.com/gobsl/gobsl/proto/examplepb: the tf.Example messages.
//   - github.com/gobsl/gobsl/proto/metadatapb: the TFMD Schema.
//   - github.com/gobsl/gobsl/tfrecord: the framing of TFRecord files.
package example
