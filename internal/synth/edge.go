package synth

import (
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// Wire-level helpers for hand-written encodings.

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// fld is a length-delimited field holding the concatenation of body.
func fld(num protowire.Number, body ...[]byte) []byte {
	b := protowire.AppendTag(nil, num, protowire.BytesType)
	return protowire.AppendBytes(b, cat(body...))
}

func vint(num protowire.Number, v uint64) []byte {
	return protowire.AppendVarint(protowire.AppendTag(nil, num, protowire.VarintType), v)
}

func fix32(num protowire.Number, v uint32) []byte {
	return protowire.AppendFixed32(protowire.AppendTag(nil, num, protowire.Fixed32Type), v)
}

func fix64(num protowire.Number, v uint64) []byte {
	return protowire.AppendFixed64(protowire.AppendTag(nil, num, protowire.Fixed64Type), v)
}

func group(num protowire.Number, body ...[]byte) []byte {
	b := protowire.AppendTag(nil, num, protowire.StartGroupType)
	b = append(b, cat(body...)...)
	return protowire.AppendTag(b, num, protowire.EndGroupType)
}

func packedVarints(v ...int64) []byte {
	var b []byte
	for _, x := range v {
		b = protowire.AppendVarint(b, uint64(x))
	}
	return fld(1, b)
}

func packedFloats(bits ...uint32) []byte {
	var b []byte
	for _, x := range bits {
		b = protowire.AppendFixed32(b, x)
	}
	return fld(1, b)
}

// Feature bodies (the bytes inside a Feature message).
func i64s(v ...int64) []byte  { return fld(3, packedVarints(v...)) }
func f32s(v ...uint32) []byte { return fld(2, packedFloats(v...)) }
func byts(v ...string) []byte {
	var b []byte
	for _, s := range v {
		b = append(b, fld(1, []byte(s))...)
	}
	return fld(1, b)
}

// entry is a Features.feature (or FeatureLists.feature_list) map entry.
func entry(key string, value []byte) []byte { return fld(1, fld(1, []byte(key)), fld(2, value)) }

// example wraps map entries in Example.features.
func example(entries ...[]byte) []byte { return fld(1, entries...) }

// Edge returns tf.Example records that cover edge values and unusual but
// valid wire encodings. All records parse with proto.Unmarshal, and each
// feature name has one kind throughout ("f" float, "i" int64, "b" bytes,
// "" int64, "é" bytes, "B" float, "_" int64, "a" bytes; "u" never has a
// kind), so the whole slice decodes as one batch. In order:
//
//  0. float edge values: NaN with several payloads ([NaNs]), -0, +0, the
//     smallest and largest subnormals, the smallest normal, ±MaxFloat32,
//     ±Inf; int64 min, max, -1, 0, 1; bytes that are not UTF-8, empty,
//     and contain NUL.
//  1. empty lists vs missing: "f" is float_list {}, "i" is absent, "b" is
//     a Feature with no kind, "u" has no kind.
//  2. an empty Example (zero bytes: no features field).
//  3. an Example whose features map is empty.
//  4. a repeated map key: the last entry wins entirely ("i" [1] then [2]
//     gives [2]; "b" ["x"] then kind-unset gives null).
//  5. unpacked repeated numbers: int64 as separate varint fields, float as
//     separate fixed32 fields.
//  6. packed numbers in several chunks, and packed mixed with unpacked in
//     one list.
//  7. unknown fields (varint, fixed32, fixed64, bytes, group) at every
//     level: Example, Features, map entry, Feature and the lists.
//  8. fields in unusual order: map entry value before key, unknown fields
//     first, features maps in reverse key order.
//  9. two features fields in one Example: their maps merge, later keys
//     win.
//  10. a Feature whose kind appears twice: the same kind merges (int64
//     [1] and [2] give [1 2]); a different kind replaces (float_list
//     then bytes_list gives bytes_list).
//  11. map entries without a key (name "") and without a value (a Feature
//     with no kind); a map entry whose value field repeats (the Features
//     merge); a non-ASCII name "é"; names "B", "_", "a" that sort
//     bytewise as B < _ < a.
//  12. non-minimal varints: a value, a length and a tag written with
//     redundant continuation bytes.
func Edge() [][]byte {
	nan := NaNs
	floats := []uint32{nan[0], nan[1], nan[2], nan[3],
		0x80000000, 0, 0x00000001, 0x007fffff, 0x00800000,
		math.Float32bits(math.MaxFloat32), math.Float32bits(-math.MaxFloat32),
		math.Float32bits(float32(math.Inf(1))), math.Float32bits(float32(math.Inf(-1)))}
	var recs [][]byte
	// 0
	recs = append(recs, example(
		entry("f", f32s(floats...)),
		entry("i", i64s(math.MinInt64, math.MaxInt64, -1, 0, 1)),
		entry("b", byts("\xff\xfe\xc0", "", "a\x00b")),
	))
	// 1
	recs = append(recs, example(
		entry("f", fld(2)),
		entry("b", nil),
		entry("u", nil),
	))
	// 2
	recs = append(recs, []byte{})
	// 3
	recs = append(recs, example())
	// 4
	recs = append(recs, example(
		entry("i", i64s(1)),
		entry("b", byts("x")),
		entry("i", i64s(2)),
		entry("b", nil),
	))
	// 5
	recs = append(recs, example(
		entry("i", fld(3, vint(1, 7), vint(1, uint64(1<<63)), vint(1, 1<<40))),
		entry("f", fld(2, fix32(1, math.Float32bits(1.5)), fix32(1, nan[2]), fix32(1, 0x80000000))),
	))
	// 6
	recs = append(recs, example(
		entry("i", fld(3, packedVarints(1, 2), vint(1, 3), packedVarints(), packedVarints(4, -5))),
		entry("f", fld(2, packedFloats(math.Float32bits(1)), fix32(1, math.Float32bits(2)), packedFloats(math.Float32bits(3), nan[3]))),
		entry("b", cat(byts("p"), byts("q"))), // two bytes_list fields merge
	))
	// 7
	recs = append(recs, cat(
		vint(2, 99),
		fld(1,
			fix64(7, 12345),
			fld(1, vint(9, 1), fld(1, []byte("i")), fix32(4, 1), fld(2, vint(15, 3), fld(3, packedVarints(8), fix64(2, 1), group(5, vint(1, 1))), fld(20, []byte("junk")))),
			group(3, fld(1, []byte("nested")), group(4)),
			fld(1, fld(1, []byte("f")), fld(2, fld(2, packedFloats(math.Float32bits(-2.5)), fix32(3, 7)))),
			fld(1, fld(1, []byte("b")), fld(2, fld(1, fld(1, []byte("y")), vint(2, 5)))),
		),
		fix32(3, 1),
	))
	// 8
	recs = append(recs, cat(
		fix32(5, 0),
		fld(1,
			fld(1, fld(2, i64s(42)), fld(1, []byte("i"))),
			entry("f", f32s(math.Float32bits(0.25))),
			entry("b", byts("z")),
		),
	))
	// 9
	recs = append(recs, cat(
		example(entry("i", i64s(1)), entry("b", byts("first"))),
		vint(3, 0),
		example(entry("f", f32s(math.Float32bits(9))), entry("b", byts("second"))),
	))
	// 10
	recs = append(recs, example(
		entry("i", cat(i64s(1), i64s(2))),
		entry("b", cat(f32s(math.Float32bits(1)), byts("won"))),
	))
	// 11
	recs = append(recs, example(
		fld(1, fld(2, i64s(-7))),
		fld(1, fld(1, []byte("u"))),
		fld(1, fld(1, []byte("f")), fld(2, f32s(math.Float32bits(1))), fld(2, f32s(math.Float32bits(2)))),
		entry("é", byts("ü")),
		entry("a", byts("lower")),
		entry("_", i64s(95)),
		entry("B", f32s(math.Float32bits(66))),
	))
	// 12: "i" = [5] with the value, the Int64List length and the Feature tag
	// all in non-minimal varints.
	list := []byte{0x0a, 0x04, 0x85, 0x80, 0x80, 0x00}      // packed, value 5 in 4 bytes
	feat := cat([]byte{0x9a, 0x00, 0x86, 0x80, 0x00}, list) // tag 3/bytes in 2 bytes, length 6 in 3 bytes
	recs = append(recs, example(entry("i", feat)))
	return recs
}

// EdgeSequence returns tf.SequenceExample records that cover edge cases
// of feature lists. All parse with proto.Unmarshal and each name has one
// kind throughout (context "c" int64; lists "s" int64, "t" float, "w"
// bytes, "n" never typed), so the slice decodes as one batch. In order:
//
//  0. int64 steps outside the int32 range (tfx-bsl truncates these; we
//     do not), a kind-unset step, an empty step, and "n" with two
//     untyped steps.
//  1. feature_lists present but with no lists; no context.
//  2. no feature_lists at all; context "c" with no kind.
//  3. a list with zero steps ("s"), and "t" and "w" absent.
//  4. a repeated feature_list key (the last list wins entirely), a
//     FeatureList whose feature field repeats (steps append), and two
//     feature_lists fields (the maps merge).
//  5. two context fields (the maps merge), unknown fields at every level,
//     map entry value before key.
//  6. an empty record (no context, no feature_lists).
func EdgeSequence() [][]byte {
	ctx := func(entries ...[]byte) []byte { return fld(1, entries...) }
	lists := func(entries ...[]byte) []byte { return fld(2, entries...) }
	steps := func(fs ...[]byte) []byte {
		var b []byte
		for _, f := range fs {
			b = append(b, fld(1, f)...)
		}
		return b
	}
	var recs [][]byte
	// 0
	recs = append(recs, cat(
		ctx(entry("c", i64s(1))),
		lists(
			entry("s", steps(i64s(1<<40, -(1<<35), math.MinInt64), nil, fld(3), i64s(math.MaxInt64))),
			entry("t", steps(f32s(NaNs[2], 0x80000000))),
			entry("w", steps(byts("\xff", ""))),
			entry("n", steps(nil, nil)),
		),
	))
	// 1
	recs = append(recs, lists())
	// 2
	recs = append(recs, ctx(entry("c", nil)))
	// 3
	recs = append(recs, cat(ctx(), lists(entry("s", nil), entry("n", nil))))
	// 4
	recs = append(recs, cat(
		lists(
			entry("s", steps(i64s(1))),
			entry("s", steps(i64s(2), i64s(3))),
			fld(1, fld(1, []byte("w")), fld(2, steps(byts("a")), vint(9, 9), steps(byts("b")))),
		),
		lists(entry("t", steps(f32s(math.Float32bits(0.5))))),
	))
	// 5
	recs = append(recs, cat(
		vint(7, 1),
		ctx(entry("c", i64s(10))),
		fld(2, fix64(4, 0), fld(1, fld(2, steps(fld(2, fix32(1, math.Float32bits(3)), vint(4, 1)))), fld(1, []byte("t")), fix32(3, 0))),
		ctx(fld(1, fld(2, i64s(11), fld(6, nil)), fld(1, []byte("c"))), group(2)),
	))
	// 6
	recs = append(recs, []byte{})
	return recs
}
