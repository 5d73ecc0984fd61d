// Package metadatapb contains the generated Go types for TensorFlow Metadata
// (TFMD, proto package tensorflow.metadata.v0): the [Schema] that TFDV
// infers and TFX SchemaGen writes as schema.pbtxt, and the
// [DatasetFeatureStatisticsList] that TFX StatisticsGen writes as
// FeatureStats.pb.
//
// DO NOT EDIT the .pb.go files; regenerate with scripts/generate.sh from the
// sources in proto/tensorflow_metadata/proto/v0. CI runs
// scripts/generate.sh --check, which fails on stale generated files.
//
// # Compatibility
//
// The .proto sources are written for gobsl from the project's wire
// specification, not copied from TFMD. Package, message, field and enum
// value names match TFMD, so text-format files parse unchanged, and field
// numbers and types match, so binary files decode unchanged. Some TFMD
// fields that the specification does not list are not declared: binary
// decoding keeps them as unknown fields, while text-format parsing rejects
// them unless [google.golang.org/protobuf/encoding/prototext.UnmarshalOptions]
// has DiscardUnknown set.
//
// schema.proto and path.proto are proto2, so scalar fields have explicit
// presence (pointer fields and GetX accessors, with defaults such as
// [Default_DistributionConstraints_MinDomainMass]). statistics.proto and
// derived_feature.proto are proto3.
//
// # Reading schemas and statistics
//
// A schema.pbtxt file is a text-format [Schema]:
//
//	var s metadatapb.Schema
//	if err := prototext.Unmarshal(b, &s); err != nil { ... }
//
// A FeatureStats.pb file is one binary [DatasetFeatureStatisticsList]; parse
// it with [google.golang.org/protobuf/proto.Unmarshal]. (stats_tfrecord files
// hold the same message inside TFRecord framing.) ExampleValidator's
// anomalies.pbtxt is an Anomalies message, which this package does not
// define.
//
// A [Feature] with no type set has type [FeatureType_TYPE_UNKNOWN]. A
// feature's domain is either inline (for example [Feature_IntDomain]) or a
// reference by name ([Feature_Domain]) to one of Schema.StringDomain,
// Schema.IntDomain or Schema.FloatDomain.
//
// # Related packages
//
//   - [github.com/gobsl/gobsl/proto/examplepb]: tf.Example, the records a
//     schema describes.
//   - [github.com/gobsl/gobsl/coders/example]: converts between Arrow record
//     batches and serialized tf.Example, guided by a [Schema].
//   - [google.golang.org/protobuf/encoding/prototext]: parses .pbtxt files.
package metadatapb
