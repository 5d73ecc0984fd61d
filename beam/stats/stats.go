// Package stats computes TFDV-compatible dataset statistics of a
// PCollection of Arrow record batches: a Beam CombineFn over the
// mergeable accumulators of package [github.com/gobsl/gobsl/stats].
//
// Each worker adds its batches to an accumulator; the runner encodes the
// partial accumulators, brings them together and merges them, and
// ExtractOutput gives the same DatasetFeatureStatisticsList that
// stats.Compute gives on one machine (counts, histograms and top values
// exactly; means and standard deviations up to float64 rounding, which
// depends on the merge order; quantiles exactly while a feature has at
// most 16,384 values, within the KLL sketch's bound beyond).
//
// Import it beside the core package under another name:
//
//	import (
//		"github.com/gobsl/gobsl/stats"
//		beamstats "github.com/gobsl/gobsl/beam/stats"
//	)
//
//	l := beamstats.Generate(s, batches, stats.Options{})
package stats

import (
	"encoding"
	"fmt"
	"reflect"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	_ "github.com/gobsl/gobsl/beam/coders" // the arrow.RecordBatch coder
	"github.com/gobsl/gobsl/beam/internal/statecodec"
	"github.com/gobsl/gobsl/proto/metadatapb"
	"github.com/gobsl/gobsl/stats"
)

func init() {
	beam.RegisterCoder(reflect.TypeOf((*stats.Accumulator)(nil)), EncodeAccumulator, DecodeAccumulator)
	register.Combiner3[*stats.Accumulator, arrow.RecordBatch, *metadatapb.DatasetFeatureStatisticsList](&CombineFn{})
}

// Generate returns the statistics of batches (a PCollection of
// arrow.RecordBatch) as a PCollection of one
// *metadatapb.DatasetFeatureStatisticsList. It panics on invalid options,
// as beam.Combine does.
func Generate(s beam.Scope, batches beam.PCollection, opts stats.Options) beam.PCollection {
	fn, err := NewCombineFn(opts)
	if err != nil {
		panic(err)
	}
	return beam.Combine(s.Scope("stats.Generate"), fn, batches)
}

// CombineFn combines arrow.RecordBatch inputs into a
// *metadatapb.DatasetFeatureStatisticsList, with *stats.Accumulator
// accumulators. Use it with beam.Combine, or beam.CombinePerKey for
// statistics per key (per split, say). Create it with NewCombineFn.
type CombineFn struct {
	// Options holds the stats.Options, encoded: Beam serialises a
	// CombineFn's exported fields.
	Options []byte
	opts    *stats.Options
}

// NewCombineFn returns a CombineFn computing statistics with opts
// (Workers is not used).
func NewCombineFn(opts stats.Options) (*CombineFn, error) {
	b, err := statecodec.Append(nil, &opts)
	if err != nil {
		return nil, fmt.Errorf("stats: encoding options: %w", err)
	}
	return &CombineFn{Options: b}, nil
}

// CreateAccumulator returns an empty accumulator.
func (fn *CombineFn) CreateAccumulator() (*stats.Accumulator, error) {
	if fn.opts == nil {
		opts := new(stats.Options)
		if err := statecodec.Decode(fn.Options, opts); err != nil {
			return nil, fmt.Errorf("stats: decoding options: %w", err)
		}
		fn.opts = opts
	}
	return stats.NewAccumulator(*fn.opts), nil
}

// AddInput adds a batch's rows.
func (fn *CombineFn) AddInput(a *stats.Accumulator, rb arrow.RecordBatch) (*stats.Accumulator, error) {
	if err := a.Add(rb); err != nil {
		return nil, err
	}
	return a, nil
}

// MergeAccumulators merges b into a; a feature typed or nested differently
// in the two is an error.
func (fn *CombineFn) MergeAccumulators(a, b *stats.Accumulator) (*stats.Accumulator, error) {
	a.Merge(b)
	if err := a.Err(); err != nil {
		return nil, err
	}
	return a, nil
}

// ExtractOutput returns the statistics.
func (fn *CombineFn) ExtractOutput(a *stats.Accumulator) *metadatapb.DatasetFeatureStatisticsList {
	return a.Result()
}

// EncodeAccumulator encodes an accumulator for the shuffle between the
// partial and the final combine: with its MarshalBinary method when it has
// one, otherwise with package statecodec (all of its fields, by
// reflection). It is the Beam coder of *stats.Accumulator.
func EncodeAccumulator(a *stats.Accumulator) ([]byte, error) {
	if err := a.Err(); err != nil {
		return nil, err
	}
	if m, ok := any(a).(encoding.BinaryMarshaler); ok {
		return m.MarshalBinary()
	}
	b, err := statecodec.Append(nil, a)
	if err != nil {
		return nil, fmt.Errorf("stats: encoding an accumulator: %w", err)
	}
	return b, nil
}

// DecodeAccumulator decodes what EncodeAccumulator encodes.
func DecodeAccumulator(b []byte) (*stats.Accumulator, error) {
	a := new(stats.Accumulator)
	if u, ok := any(a).(encoding.BinaryUnmarshaler); ok {
		return a, u.UnmarshalBinary(b)
	}
	if err := statecodec.Decode(b, a); err != nil {
		return nil, fmt.Errorf("stats: decoding an accumulator: %w", err)
	}
	return a, nil
}
