package textfmt

import (
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/proto/metadatapb"
)

func TestFormat(t *testing.T) {
	s := &metadatapb.Schema{Feature: []*metadatapb.Feature{{
		Name:                proto.String("a: b"),
		Type:                metadatapb.FeatureType_INT.Enum(),
		PresenceConstraints: &metadatapb.Feature_Presence{Presence: &metadatapb.FeaturePresence{}},
	}}}
	got, err := Format(s)
	if err != nil {
		t.Fatal(err)
	}
	want := "feature {\n  name: \"a: b\"\n  presence {\n  }\n  type: INT\n}\n"
	if string(got) != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}
