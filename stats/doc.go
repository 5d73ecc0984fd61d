// Package stats computes TFDV-compatible dataset statistics — the
// DatasetFeatureStatisticsList protos that TFX's StatisticsGen writes —
// from Arrow record batches in one streaming pass.
//
// # Accumulating
//
// An [Accumulator] takes record batches ([Accumulator.Add]) and holds
// mergeable partial statistics: accumulators of disjoint parts of a dataset
// combine with [Accumulator.Merge] into those of the whole, whatever the
// split. [Accumulator.Result] returns the proto. [Compute] reads an
// [array.RecordReader] (for example one from
// [github.com/gobsl/gobsl/tfxio.Open]) on all cores, one accumulator per
// worker.
//
// # What is computed
//
// Per feature, as TFDV's BasicStatsGenerator and TopKUniquesStatsGenerator
// with their defaults:
//
//   - type: INT (integers, bool), FLOAT, STRING (bytes and strings; BYTES
//     for features an [Options.Schema] gives an image_domain), STRUCT (a
//     struct column such as SequenceExample's ##SEQUENCE##, whose fields are
//     features with two-step paths);
//   - common_stats: num_non_missing, num_missing (a null cell is missing,
//     an empty list is present with 0 values), min/max/avg/tot_num_values,
//     a 10-bucket QUANTILES num_values_histogram, and
//     presence_and_valency_stats per nesting level for nested lists;
//   - num_stats: mean, population std_dev, num_zeros, min, median, max,
//     a 10-bucket STANDARD and a 10-bucket QUANTILES histogram, NaNs
//     counted in each histogram's num_nan and left out of everything else;
//   - string_stats: unique, top_values (20) and rank_histogram (1000
//     buckets) by decreasing count, ties by decreasing value as TFDV,
//     avg_length in bytes and invalid_utf8_count; values that are not
//     UTF-8 count as "__BYTES_VALUE__" in the rankings, as TFDV writes
//     them.
//
// # Accuracy
//
// Counts, sums, means and standard deviations are exact up to float64
// rounding (batch means and variances merge with Chan's formula). Medians,
// QUANTILES boundaries and STANDARD counts come from a quantile sketch that
// keeps every value up to 16,384 values per feature (exact: the tests
// reproduce TFX's quantile boundaries and medians bit for bit) and becomes
// a KLL sketch beyond, whose ranks are off by about 0.2% of the count.
// TFDV's STANDARD histograms interpolate counts from 1,000 quantiles and so
// have fractional counts; ours count the values in each bucket (exactly,
// while the sketch is exact). Weighted statistics, custom_stats (such as
// TFDV's level_N_value_list_length histograms), cross-feature, natural
// language and image statistics are not computed.
//
// # Related packages
//
//   - [github.com/gobsl/gobsl/schema]: infers a TFMD schema from these
//     statistics, as TFDV's infer_schema does;
//   - [github.com/gobsl/gobsl/validate]: checks statistics against a
//     schema;
//   - [github.com/gobsl/gobsl/proto/metadatapb]: the generated types.
package stats
