package examplepb_test

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/gobsl/gobsl/proto/examplepb"
)

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func spaced(b []byte) string {
	var sb strings.Builder
	for i, c := range b {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(hex.EncodeToString([]byte{c}))
	}
	return sb.String()
}

func int64Feature(v ...int64) *examplepb.Feature {
	return &examplepb.Feature{Kind: &examplepb.Feature_Int64List{Int64List: &examplepb.Int64List{Value: v}}}
}

// wireTests pins encodings from the wire specification, section 4. Each case
// is checked both ways: marshal gives exactly want, and unmarshal of want
// gives back msg.
var wireTests = []struct {
	name string
	msg  proto.Message
	want string // hex, spaces ignored
}{{
	name: "Feature kind unset is a zero-length message",
	msg:  &examplepb.Feature{},
	want: "",
}, {
	name: "Feature int64_list=3 set but empty",
	msg:  int64Feature(),
	want: "1a 00",
}, {
	name: "Feature int64_list=3 packed varints",
	msg:  int64Feature(1, 300),
	want: "1a 05 0a 03 01 ac 02",
}, {
	name: "Int64List negative value takes 10 bytes",
	msg:  &examplepb.Int64List{Value: []int64{-1}},
	want: "0a 0a ff ff ff ff ff ff ff ff ff 01",
}, {
	name: "Feature float_list=2 packed little-endian fixed32",
	msg:  &examplepb.Feature{Kind: &examplepb.Feature_FloatList{FloatList: &examplepb.FloatList{Value: []float32{1, -2.5}}}},
	want: "12 0a 0a 08 00 00 80 3f 00 00 20 c0",
}, {
	name: "Feature bytes_list=1",
	msg:  &examplepb.Feature{Kind: &examplepb.Feature_BytesList{BytesList: &examplepb.BytesList{Value: [][]byte{[]byte("x"), {}}}}},
	want: "0a 05 0a 01 78 0a 00",
}, {
	name: "Example features=1, map entry key=1 value=2",
	msg: &examplepb.Example{Features: &examplepb.Features{Feature: map[string]*examplepb.Feature{
		"a": int64Feature(1),
	}}},
	want: "0a 0c 0a 0a 0a 01 61 12 05 1a 03 0a 01 01",
}, {
	name: "Features map value of a kind-unset Feature",
	msg:  &examplepb.Features{Feature: map[string]*examplepb.Feature{"a": {}}},
	want: "0a 05 0a 01 61 12 00",
}, {
	name: "SequenceExample context=1, feature_lists=2",
	msg: &examplepb.SequenceExample{
		Context: &examplepb.Features{},
		FeatureLists: &examplepb.FeatureLists{FeatureList: map[string]*examplepb.FeatureList{
			"s": {Feature: []*examplepb.Feature{int64Feature(), {}}},
		}},
	},
	// feature_lists: entry {key "s", value FeatureList{feature [1a 00], feature []}}
	want: "0a 00 12 0d 0a 0b 0a 01 73 12 06 0a 02 1a 00 0a 00",
}}

func TestWire(t *testing.T) {
	for _, tt := range wireTests {
		t.Run(tt.name, func(t *testing.T) {
			want := unhex(t, tt.want)
			got, err := proto.MarshalOptions{Deterministic: true}.Marshal(tt.msg)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if diff := cmp.Diff(spaced(want), spaced(got)); diff != "" {
				t.Errorf("Marshal mismatch (-want +got):\n%s", diff)
			}
			back := tt.msg.ProtoReflect().New().Interface()
			if err := proto.Unmarshal(want, back); err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			if diff := cmp.Diff(tt.msg, back, protocmp.Transform()); diff != "" {
				t.Errorf("Unmarshal mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestKindSetVersusUnset checks that decoding keeps "kind set, empty"
// (1a 00) apart from "kind unset" (zero bytes).
func TestKindSetVersusUnset(t *testing.T) {
	var set, unset examplepb.Feature
	if err := proto.Unmarshal(unhex(t, "1a 00"), &set); err != nil {
		t.Fatal(err)
	}
	if err := proto.Unmarshal(nil, &unset); err != nil {
		t.Fatal(err)
	}
	if l, ok := set.GetKind().(*examplepb.Feature_Int64List); !ok || len(l.Int64List.GetValue()) != 0 {
		t.Errorf("1a 00: Kind = %#v, want an empty int64_list", set.GetKind())
	}
	if unset.GetKind() != nil {
		t.Errorf("empty message: Kind = %#v, want nil", unset.GetKind())
	}
}

// decodeTests are encodings other writers produce that must decode to msg,
// though protobuf-go would not write them this way.
var decodeTests = []struct {
	name string
	in   string
	msg  proto.Message
}{{
	name: "Int64List unpacked",
	in:   "08 01 08 ac 02",
	msg:  &examplepb.Int64List{Value: []int64{1, 300}},
}, {
	name: "FloatList unpacked",
	in:   "0d 00 00 80 3f 0d 00 00 20 c0",
	msg:  &examplepb.FloatList{Value: []float32{1, -2.5}},
}, {
	name: "Int64List packed and unpacked mixed",
	in:   "08 01 0a 01 02",
	msg:  &examplepb.Int64List{Value: []int64{1, 2}},
}, {
	name: "Features repeated map key, last entry wins",
	in:   "0a 0a 0a 01 61 12 05 1a 03 0a 01 01  0a 0a 0a 01 61 12 05 1a 03 0a 01 02",
	msg:  &examplepb.Features{Feature: map[string]*examplepb.Feature{"a": int64Feature(2)}},
}, {
	name: "Feature two kinds on the wire, last one wins",
	in:   "1a 00 12 00",
	msg:  &examplepb.Feature{Kind: &examplepb.Feature_FloatList{FloatList: &examplepb.FloatList{}}},
}}

func TestDecode(t *testing.T) {
	for _, tt := range decodeTests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.msg.ProtoReflect().New().Interface()
			if err := proto.Unmarshal(unhex(t, tt.in), got); err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			if diff := cmp.Diff(tt.msg, got, protocmp.Transform()); diff != "" {
				t.Errorf("Unmarshal mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
