// Package tensors turns Arrow record batches into tensors — dense, sparse
// and ragged, as tfx-bsl's TensorAdapter makes them for TensorFlow — for
// Go training loops, GPU bindings, NumPy and PyTorch, and writes them as
// .npz and .safetensors files.
//
// # Tensor representations
//
// A TFMD TensorRepresentation says how columns become one tensor:
//
//   - dense_tensor: a list column with the same number of values in every
//     row, shape [B]+shape; default_value fills null rows (not empty ones);
//   - varlen_sparse_tensor: a list column as a 2-D sparse tensor, value j
//     of row i at (i, j), dense shape [B, longest row];
//   - sparse_tensor: values at coordinates read from index columns, dense
//     shape [B]+dense_shape (-1 stays -1: unknown);
//   - ragged_tensor: the values at the end of a feature path (through
//     struct fields such as tf.SequenceExample's "##SEQUENCE##.child"),
//     one ragged dimension per list on the path with the Arrow offsets as
//     row splits, further split by row_length columns and
//     uniform_row_length partitions (trailing uniform ones become fixed
//     inner dimensions).
//
// Representations come from a TFMD schema ([RepresentationsFromSchema]:
// the explicit tensor_representation_group "" plus those inferred from the
// features), or, without a schema, from the Arrow schema
// ([RepresentationsFromArrow]).
//
// # Converting
//
// [NewAdapter] checks representations against an Arrow schema;
// [Adapter.Convert] turns a batch into a map of [Tensor]s: [*Dense],
// [*Sparse] or [*Ragged], and [Adapter.All] iterates over the batches of
// an array.RecordReader. Leaf types are any integer, float16/32/64, and
// binary or string as [Bytes] ([][]byte). The semantics and error texts
// are tfx-bsl's; see [ErrUnhandled] and the other errors.
//
// Tensors share memory with the record batch wherever the Arrow buffers
// already have the tensor's layout: the values of a list column without
// nulls are the dense values, list offsets are row splits, bytes alias the
// Arrow data. They are valid until the batch is released (from a
// RecordReader: until the next call to Next); [Tensor.Clone] copies.
//
// # Files
//
// [Concat] gathers the tensors of many batches — dense tensors
// concatenated along the batch dimension, sparse and ragged ones with row
// indices and row splits shifted — and writes them as one NumPy .npz
// ([Concat.WriteNPZ]) or one .safetensors file ([Concat.WriteSafetensors]);
// [WriteNPZ] and [WriteSafetensors] write a single batch. Each tensor NAME
// is stored as one or more arrays:
//
//	dense      NAME                   [B, shape...]
//	sparse     NAME.indices           int64 [NNZ, rank], row first
//	           NAME.values            [NNZ]
//	           NAME.dense_shape       int64 [rank]
//	ragged     NAME.values            [N, inner dims...]
//	           NAME.row_splits        [B+1], int64 (int32 for row_partition_dtype INT32)
//	           NAME.row_splits1       the next ragged dimension's splits, and so on:
//	           NAME.row_splitsK       one array per ragged dimension, K = ragged rank - 1
//
// In Python, np.load("out.npz")["NAME.values"] is an array;
// tf.RaggedTensor.from_nested_row_splits(values, [row_splits, row_splits1])
// and torch.sparse_coo_tensor(indices.T, values, dense_shape) rebuild the
// composite tensors.
//
// Bytes arrays: NumPy holds variable-length bytes only as pickled object
// arrays, so .npz files store them as fixed-width byte strings (dtype
// "|S<n>", np.bytes_) as wide as the longest value, padded with NULs —
// np.load needs no allow_pickle, but NumPy drops trailing NUL bytes of
// each value when reading. Safetensors has no bytes type: a bytes array
// NAME becomes NAME.bytes (uint8, the values end to end) and NAME.offsets
// (int64, one more than the values; value i is
// bytes[offsets[i]:offsets[i+1]]), and the header's __metadata__ maps
// "NAME.shape" to the array's shape.
//
// # Related packages
//
//   - [github.com/gobsl/gobsl/tfxio]: writes .npz and .safetensors output
//     of any input format ("inspect convert in.tfrecord.gz out.npz");
//   - [github.com/gobsl/gobsl/schema]: loads TFMD schemas and infers their
//     tensor representations;
//   - [github.com/gobsl/gobsl/coders/example]: decodes tf.Example records
//     into the record batches this package converts.
package tensors
