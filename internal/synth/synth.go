// Package synth generates deterministic serialized tf.Example and
// tf.SequenceExample records for tests, fuzz seeds and benchmarks.
//
// Every generator is a pure function of its arguments: the same n and seed
// give byte-identical records (map entries are written sorted by key unless
// a record deliberately says otherwise).
//
// # Generators
//
//   - [Taxi]: tf.Example shaped like the Chicago taxi data (scalars of the
//     three kinds, with missing values written in each of the three ways).
//   - [LongLists]: tf.Example with a few features of hundreds of values.
//   - [Sequence]: tf.SequenceExample with context features and feature
//     lists of varying lengths.
//   - [Edge] and [EdgeSequence]: hand-written records covering edge values
//     and unusual but valid wire encodings.
package synth

import (
	"math"
	"math/rand/v2"

	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/proto/examplepb"
)

// Missing-value shapes, as they appear in real data.
const (
	present = iota
	absent  // the key is not in the map
	unset   // the key maps to a Feature with no kind
	empty   // the kind is set but the list is empty
)

func newRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
}

// missing picks how a value is present: mostly present, sometimes missing
// in one of the three ways.
func missing(r *rand.Rand, pct int) int {
	if r.IntN(100) >= pct {
		return present
	}
	return 1 + r.IntN(3)
}

func marshal(m proto.Message) []byte {
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err != nil {
		panic(err) // generated messages always marshal
	}
	return b
}

// Int64 returns a Feature holding an int64_list.
func Int64(v ...int64) *examplepb.Feature {
	return &examplepb.Feature{Kind: &examplepb.Feature_Int64List{Int64List: &examplepb.Int64List{Value: v}}}
}

// Float returns a Feature holding a float_list.
func Float(v ...float32) *examplepb.Feature {
	return &examplepb.Feature{Kind: &examplepb.Feature_FloatList{FloatList: &examplepb.FloatList{Value: v}}}
}

// Bytes returns a Feature holding a bytes_list.
func Bytes(v ...[]byte) *examplepb.Feature {
	return &examplepb.Feature{Kind: &examplepb.Feature_BytesList{BytesList: &examplepb.BytesList{Value: v}}}
}

// Strings returns a Feature holding a bytes_list of the given strings.
func Strings(v ...string) *examplepb.Feature {
	b := make([][]byte, len(v))
	for i, s := range v {
		b[i] = []byte(s)
	}
	return Bytes(b...)
}

// put stores f under name according to how (present, absent, unset, empty).
func put(m map[string]*examplepb.Feature, name string, how int, f *examplepb.Feature) {
	switch how {
	case absent:
		return
	case unset:
		m[name] = &examplepb.Feature{}
		return
	case empty:
		switch f.Kind.(type) {
		case *examplepb.Feature_Int64List:
			f = Int64()
		case *examplepb.Feature_FloatList:
			f = Float()
		default:
			f = Bytes()
		}
	}
	m[name] = f
}

var (
	paymentTypes = []string{"Cash", "Credit Card", "No Charge", "Unknown", "Dispute", "Prcard", "Mobile", "Pcard"}
	companies    = []string{
		"Taxi Affiliation Services", "Flash Cab", "Dispatch Taxi Affiliation",
		"Yellow Cab", "Blue Ribbon Taxi Association Inc.", "Choice Taxi Association",
		"Chicago Carriage Cab Corp", "City Service", "KOAM Taxi Association",
		"Northwest Management LLC", "Top Cab Affiliation", "Sun Taxi",
		"5074 - 54002 Ahzmi Inc", "3201 - C&D Cab Co Inc",
	}
)

// TaxiFeatures lists the feature names of [Taxi] records with their kinds
// ("int64", "float" or "bytes"), in sorted order.
var TaxiFeatures = []struct{ Name, Kind string }{
	{"company", "bytes"},
	{"dropoff_census_tract", "int64"},
	{"dropoff_community_area", "int64"},
	{"dropoff_latitude", "float"},
	{"dropoff_longitude", "float"},
	{"fare", "float"},
	{"payment_type", "bytes"},
	{"pickup_census_tract", "int64"},
	{"pickup_community_area", "int64"},
	{"pickup_latitude", "float"},
	{"pickup_longitude", "float"},
	{"tips", "float"},
	{"trip_miles", "float"},
	{"trip_seconds", "int64"},
	{"trip_start_day", "int64"},
	{"trip_start_hour", "int64"},
	{"trip_start_month", "int64"},
	{"trip_start_timestamp", "int64"},
}

// Taxi returns n tf.Example records shaped like the Chicago taxi data used
// by the TFX examples: 18 scalar features (int64 hours, days, areas and
// timestamps; float fares, miles and coordinates; bytes payment type and
// company; see [TaxiFeatures]). Some values are missing in each of the
// three real ways: the key is absent, the Feature has no kind, or the kind
// is set with an empty list. Census tracts and coordinates are missing
// more often than the rest, as in the real data. Every name always has the
// same kind, so any subset decodes as one batch.
func Taxi(n int, seed uint64) [][]byte {
	r := newRand(seed)
	out := make([][]byte, n)
	for i := range out {
		m := make(map[string]*examplepb.Feature, 18)
		ts := int64(1356998400) + r.Int64N(4*365*86400)
		hour := (ts / 3600) % 24
		day := 1 + (ts/86400+4)%7
		month := 1 + (ts/(30*86400))%12
		put(m, "trip_start_timestamp", missing(r, 2), Int64(ts))
		put(m, "trip_start_hour", missing(r, 2), Int64(hour))
		put(m, "trip_start_day", missing(r, 2), Int64(day))
		put(m, "trip_start_month", missing(r, 2), Int64(month))
		put(m, "pickup_community_area", missing(r, 10), Int64(1+r.Int64N(77)))
		put(m, "dropoff_community_area", missing(r, 15), Int64(1+r.Int64N(77)))
		put(m, "pickup_census_tract", missing(r, 40), Int64(17031000000+r.Int64N(990000)))
		put(m, "dropoff_census_tract", missing(r, 40), Int64(17031000000+r.Int64N(990000)))
		secs := r.Int64N(3600)
		miles := float32(secs) / 240 * float32(0.5+r.Float64())
		fare := 3.25 + 2.25*miles + float32(r.IntN(400))/100
		put(m, "trip_seconds", missing(r, 5), Int64(secs))
		put(m, "trip_miles", missing(r, 3), Float(miles))
		put(m, "fare", missing(r, 3), Float(fare))
		tips := float32(0)
		if r.IntN(2) == 0 {
			tips = fare * float32(r.IntN(30)) / 100
		}
		put(m, "tips", missing(r, 3), Float(tips))
		put(m, "pickup_latitude", missing(r, 12), Float(41.65+float32(r.Float64())*0.4))
		put(m, "pickup_longitude", missing(r, 12), Float(-87.9+float32(r.Float64())*0.4))
		put(m, "dropoff_latitude", missing(r, 15), Float(41.65+float32(r.Float64())*0.4))
		put(m, "dropoff_longitude", missing(r, 15), Float(-87.9+float32(r.Float64())*0.4))
		put(m, "payment_type", missing(r, 3), Strings(paymentTypes[r.IntN(len(paymentTypes))]))
		put(m, "company", missing(r, 30), Strings(companies[r.IntN(len(companies))]))
		out[i] = marshal(&examplepb.Example{Features: &examplepb.Features{Feature: m}})
	}
	return out
}

// LongLists returns n tf.Example records with a few long features:
// "ids" (int64, 100-600 values, a quarter of them negative so they take 10
// bytes on the wire), "weights" (float, 100-600 values), "tokens" (bytes,
// 50-300 short words) and a scalar int64 "label". About one record in 20
// lacks each long feature (absent, unset or empty).
func LongLists(n int, seed uint64) [][]byte {
	r := newRand(seed)
	out := make([][]byte, n)
	for i := range out {
		m := make(map[string]*examplepb.Feature, 4)
		ids := make([]int64, 100+r.IntN(501))
		for j := range ids {
			ids[j] = r.Int64N(1 << 40)
			if r.IntN(4) == 0 {
				ids[j] = -ids[j]
			}
		}
		w := make([]float32, 100+r.IntN(501))
		for j := range w {
			w[j] = float32(r.NormFloat64())
		}
		toks := make([][]byte, 50+r.IntN(251))
		for j := range toks {
			t := make([]byte, 1+r.IntN(12))
			for k := range t {
				t[k] = byte('a' + r.IntN(26))
			}
			toks[j] = t
		}
		put(m, "ids", missing(r, 5), Int64(ids...))
		put(m, "weights", missing(r, 5), Float(w...))
		put(m, "tokens", missing(r, 5), Bytes(toks...))
		put(m, "label", present, Int64(r.Int64N(2)))
		out[i] = marshal(&examplepb.Example{Features: &examplepb.Features{Feature: m}})
	}
	return out
}

// Sequence returns n tf.SequenceExample records. The context has
// "user_id" (int64), "country" (bytes) and "score" (float), each sometimes
// missing in one of the three ways. The feature lists are "clicks"
// (int64), "dwell" (float), "query" (bytes) and "aux" (float, kind-unset
// in every step), with 0 to 20 steps each (a list with 0 steps is present
// but empty). Some steps have no kind and some have an empty list; some
// lists are absent; about one record in 25 has no feature_lists at all.
// Every name always has the same kind, so any subset decodes as one batch.
func Sequence(n int, seed uint64) [][]byte {
	r := newRand(seed)
	out := make([][]byte, n)
	for i := range out {
		ctx := make(map[string]*examplepb.Feature, 3)
		put(ctx, "user_id", missing(r, 10), Int64(r.Int64N(1e9)))
		put(ctx, "country", missing(r, 10), Strings([]string{"US", "DE", "FR", "JP", "BR"}[r.IntN(5)]))
		put(ctx, "score", missing(r, 10), Float(float32(r.Float64())))
		se := &examplepb.SequenceExample{Context: &examplepb.Features{Feature: ctx}}
		if r.IntN(25) != 0 {
			fl := make(map[string]*examplepb.FeatureList, 4)
			steps := r.IntN(21)
			list := func(name string, mk func() *examplepb.Feature) {
				if r.IntN(10) == 0 {
					return // absent
				}
				l := &examplepb.FeatureList{}
				for range steps {
					var f *examplepb.Feature
					switch r.IntN(12) {
					case 0:
						f = &examplepb.Feature{}
					default:
						f = mk()
					}
					l.Feature = append(l.Feature, f)
				}
				fl[name] = l
			}
			list("clicks", func() *examplepb.Feature {
				v := make([]int64, r.IntN(4))
				for j := range v {
					v[j] = r.Int64N(1 << 40) // beyond int32 on purpose
				}
				return Int64(v...)
			})
			list("dwell", func() *examplepb.Feature {
				v := make([]float32, r.IntN(3))
				for j := range v {
					v[j] = float32(r.ExpFloat64())
				}
				return Float(v...)
			})
			list("query", func() *examplepb.Feature {
				v := make([][]byte, r.IntN(3))
				for j := range v {
					v[j] = []byte([]string{"shoes", "red shoes", "", "boots", "\xff\xfe"}[r.IntN(5)])
				}
				return Bytes(v...)
			})
			list("aux", func() *examplepb.Feature { return &examplepb.Feature{} })
			se.FeatureLists = &examplepb.FeatureLists{FeatureList: fl}
		}
		out[i] = marshal(se)
	}
	return out
}

// NaN payloads used by [Edge]: the canonical quiet NaN, a negative quiet
// NaN, a signalling NaN and a NaN with a large payload.
var NaNs = []uint32{0x7fc00000, 0xffc00000, 0x7f800001, 0x7fbfffff}

func f32(bits uint32) float32 { return math.Float32frombits(bits) }
