// Package validate checks data against a TFMD schema and reports the
// anomalies, as TFDV's validate_statistics and TFX's ExampleValidator do.
//
// # Validating
//
// [Options.Statistics] checks dataset statistics (from
// [github.com/gobsl/gobsl/stats] or TFX's StatisticsGen) against a
// schema; [Options.Records] computes the statistics of record batches
// first. The [Report] lists each [Anomaly] with the feature's path, its
// [Kind] (TFDV's AnomalyInfo.Type name, such as [NewColumn] or
// [UnexpectedStringValues]) and TFDV's short description and description
// ("New column", "Column dropped", "Unexpected string values", "Missing
// values", "Superfluous values", "Out-of-range values", ...).
// [Report.WriteText] writes one line per anomaly, [Report.WriteJSON] a
// machine-readable form.
//
// # Differences from TFDV
//
// TFDV folds the reasons of one feature into one AnomalyInfo ("Multiple
// errors"); a Report keeps one entry per reason. A new struct column is
// one anomaly, not one per field. A shape is checked like a value_count
// per dimension (TFDV checks it when inferring tensors). Drift and skew
// comparators, weighted and sparse feature checks and severities are not
// implemented; every anomaly is an error. The float_domain message names
// the schema's bound where TFDV's prints the data's twice (an upstream
// bug).
//
// # Related packages
//
//   - [github.com/gobsl/gobsl/schema]: loads and infers schemas;
//   - [github.com/gobsl/gobsl/stats]: computes the statistics.
package validate
