package synth

import (
	"bytes"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/gobsl/gobsl/proto/examplepb"
)

func TestDeterministic(t *testing.T) {
	for _, tc := range []struct {
		name string
		gen  func(int, uint64) [][]byte
	}{
		{"Taxi", Taxi},
		{"LongLists", LongLists},
		{"Sequence", Sequence},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := tc.gen(50, 7), tc.gen(50, 7)
			for i := range a {
				if !bytes.Equal(a[i], b[i]) {
					t.Fatalf("record %d differs between runs with the same seed", i)
				}
			}
			c := tc.gen(50, 8)
			same := 0
			for i := range a {
				if bytes.Equal(a[i], c[i]) {
					same++
				}
			}
			if same == len(a) {
				t.Errorf("seeds 7 and 8 gave the same records")
			}
		})
	}
}

// kinds collects name → set of kinds, and counts the three missing shapes.
func TestTaxiShape(t *testing.T) {
	var absent, unset, empty int
	for i, rec := range Taxi(500, 1) {
		var ex examplepb.Example
		if err := proto.Unmarshal(rec, &ex); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		m := ex.GetFeatures().GetFeature()
		for _, f := range TaxiFeatures {
			feat, ok := m[f.Name]
			switch {
			case !ok:
				absent++
				continue
			case feat.GetKind() == nil:
				unset++
				continue
			}
			var n int
			var kind string
			switch k := feat.GetKind().(type) {
			case *examplepb.Feature_Int64List:
				n, kind = len(k.Int64List.Value), "int64"
			case *examplepb.Feature_FloatList:
				n, kind = len(k.FloatList.Value), "float"
			case *examplepb.Feature_BytesList:
				n, kind = len(k.BytesList.Value), "bytes"
			}
			if kind != f.Kind {
				t.Fatalf("record %d: %s has kind %s, want %s", i, f.Name, kind, f.Kind)
			}
			if n == 0 {
				empty++
			} else if n != 1 {
				t.Fatalf("record %d: %s has %d values", i, f.Name, n)
			}
		}
		if len(m) > len(TaxiFeatures) {
			t.Fatalf("record %d has unexpected features", i)
		}
	}
	if absent == 0 || unset == 0 || empty == 0 {
		t.Errorf("missing shapes: absent=%d unset=%d empty=%d, want all > 0", absent, unset, empty)
	}
}

func TestGeneratorsParse(t *testing.T) {
	for i, rec := range LongLists(20, 3) {
		if err := proto.Unmarshal(rec, &examplepb.Example{}); err != nil {
			t.Fatalf("LongLists %d: %v", i, err)
		}
	}
	var noLists, unsetStep, emptyList int
	for i, rec := range Sequence(300, 3) {
		var se examplepb.SequenceExample
		if err := proto.Unmarshal(rec, &se); err != nil {
			t.Fatalf("Sequence %d: %v", i, err)
		}
		if se.FeatureLists == nil {
			noLists++
		}
		for _, l := range se.GetFeatureLists().GetFeatureList() {
			if len(l.Feature) == 0 {
				emptyList++
			}
			for _, f := range l.Feature {
				if f.Kind == nil {
					unsetStep++
				}
			}
		}
	}
	if noLists == 0 || unsetStep == 0 || emptyList == 0 {
		t.Errorf("Sequence shapes: noLists=%d unsetStep=%d emptyList=%d, want all > 0", noLists, unsetStep, emptyList)
	}
}

func ex(m map[string]*examplepb.Feature) *examplepb.Example {
	return &examplepb.Example{Features: &examplepb.Features{Feature: m}}
}

func TestEdgeParsesAsDocumented(t *testing.T) {
	f := func(v ...float32) *examplepb.Feature { return Float(v...) }
	unsetF := &examplepb.Feature{}
	want := map[int]*examplepb.Example{
		1:  ex(map[string]*examplepb.Feature{"f": f(), "b": unsetF, "u": unsetF}),
		2:  {},
		3:  {Features: &examplepb.Features{}},
		4:  ex(map[string]*examplepb.Feature{"i": Int64(2), "b": unsetF}),
		6:  ex(map[string]*examplepb.Feature{"i": Int64(1, 2, 3, 4, -5), "f": f(1, 2, 3, math.Float32frombits(NaNs[3])), "b": Strings("p", "q")}),
		8:  ex(map[string]*examplepb.Feature{"i": Int64(42), "f": f(0.25), "b": Strings("z")}),
		9:  ex(map[string]*examplepb.Feature{"i": Int64(1), "f": f(9), "b": Strings("second")}),
		10: ex(map[string]*examplepb.Feature{"i": Int64(1, 2), "b": Strings("won")}),
		11: ex(map[string]*examplepb.Feature{"": Int64(-7), "u": unsetF, "f": f(1, 2), "é": Strings("ü"), "a": Strings("lower"), "_": Int64(95), "B": f(66)}),
		12: ex(map[string]*examplepb.Feature{"i": Int64(5)}),
	}
	for i, rec := range Edge() {
		var got examplepb.Example
		if err := proto.Unmarshal(rec, &got); err != nil {
			t.Fatalf("Edge %d: %v", i, err)
		}
		if w, ok := want[i]; ok {
			if diff := cmp.Diff(w, &got, protocmp.Transform(), protocmp.IgnoreUnknown(), cmpopts.EquateNaNs()); diff != "" {
				t.Errorf("Edge %d (-want +got):\n%s", i, diff)
			}
		}
	}
	for i, rec := range EdgeSequence() {
		if err := proto.Unmarshal(rec, &examplepb.SequenceExample{}); err != nil {
			t.Fatalf("EdgeSequence %d: %v", i, err)
		}
	}
}
