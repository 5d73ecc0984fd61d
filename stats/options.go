package stats

import (
	"errors"

	"github.com/gobsl/gobsl/proto/metadatapb"
)

// Options configures an [Accumulator] and [Compute]. The zero value gives
// TFDV's defaults: 20 top values, 1000 rank-histogram buckets and 10
// buckets in each histogram.
type Options struct {
	// Name is the dataset name written to DatasetFeatureStatistics.name
	// (TFX writes none; default "").
	Name string

	// NumTopValues is the number of most frequent string values kept in
	// top_values; default 20 (TFDV's num_top_values).
	NumTopValues int

	// NumRankHistogramBuckets is the number of buckets of the string
	// rank_histogram; default 1000 (TFDV's num_rank_histogram_buckets).
	NumRankHistogramBuckets int

	// NumValuesHistogramBuckets is the number of buckets of each
	// num_values_histogram (QUANTILES); default 10.
	NumValuesHistogramBuckets int

	// NumHistogramBuckets is the number of buckets of the STANDARD
	// (equal-width) numeric histogram; default 10.
	NumHistogramBuckets int

	// NumQuantilesHistogramBuckets is the number of buckets of the
	// QUANTILES numeric histogram; default 10.
	NumQuantilesHistogramBuckets int

	// Schema, if set, marks BYTES features whose values TFDV treats as
	// opaque bytes (those with an image_domain): they get bytes_stats
	// (value sizes) instead of string_stats, and type BYTES, as TFDV does.
	// Nothing else in the schema is used.
	Schema *metadatapb.Schema

	// Workers is the number of goroutines [Compute] uses; default
	// GOMAXPROCS.
	Workers int
}

func (o Options) normalized() Options {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.NumTopValues, 20)
	def(&o.NumRankHistogramBuckets, 1000)
	def(&o.NumValuesHistogramBuckets, 10)
	def(&o.NumHistogramBuckets, 10)
	def(&o.NumQuantilesHistogramBuckets, 10)
	return o
}

// bytesFeatures returns the top-level feature names that o.Schema marks as
// opaque bytes.
func (o Options) bytesFeatures() map[string]bool {
	if o.Schema == nil {
		return nil
	}
	m := map[string]bool{}
	for _, f := range o.Schema.GetFeature() {
		if f.GetType() == metadatapb.FeatureType_BYTES && f.GetImageDomain() != nil {
			m[f.GetName()] = true
		}
	}
	return m
}

// Conditions that errors from [Accumulator.Add] wrap; test for them with
// errors.Is.
var (
	// ErrUnsupportedType: a column's Arrow type has no TFDV statistics
	// (for example a map, a union or a dictionary).
	ErrUnsupportedType = errors.New("unsupported column type")
	// ErrTypeConflict: a feature has values of different kinds in
	// different batches (int in one, strings in another).
	ErrTypeConflict = errors.New("feature has values of different types")
	// ErrNestingConflict: a feature is nested to different depths in
	// different batches.
	ErrNestingConflict = errors.New("feature has different nesting levels")
)
