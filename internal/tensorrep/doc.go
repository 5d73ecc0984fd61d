// Package tensorrep infers TFMD TensorRepresentations from a schema, as
// tfx-bsl's InferTensorRepresentationsFromSchema and
// InferTensorRepresentationsFromMixedSchema do (the OSS logic).
//
// It is the one implementation behind
// [github.com/gobsl/gobsl/schema.InferTensorRepresentations],
// [github.com/gobsl/gobsl/schema.InferTensorRepresentationsMixed] and
// [github.com/gobsl/gobsl/tensors.RepresentationsFromSchema]. It lives here
// because neither of those packages can import the other: package
// schema's tests import tfxio, which imports tensors.
//
// # Errors
//
// [Infer] and [InferMixed] fail with an [*Error]: tfx-bsl's message without
// a package prefix, and one of the conditions [ErrSourceFeature],
// [ErrSparseShape], [ErrShapeNotRequired] or [ErrNestedStruct]. The public
// packages wrap it in their own error types and prefixes.
//
// # Related packages
//
//   - [github.com/gobsl/gobsl/schema]: the public API, with the documented
//     rules;
//   - [github.com/gobsl/gobsl/tensors]: turns batches into the tensors the
//     representations describe;
//   - [github.com/gobsl/gobsl/proto/metadatapb]: the generated types.
package tensorrep
