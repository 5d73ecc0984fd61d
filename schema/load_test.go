package schema

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/google/go-cmp/cmp"

	"github.com/gobsl/gobsl/proto/metadatapb"
)

func TestParse(t *testing.T) {
	want := &metadatapb.Schema{Feature: []*metadatapb.Feature{{
		Name: proto.String("age"),
		Type: metadatapb.FeatureType_INT.Enum(),
	}}}
	bin, err := proto.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		in      []byte
		wantErr string
	}{
		{name: "text", in: []byte("feature {\n  name: \"age\"\n  type: INT\n}\n")},
		{name: "text with comment", in: []byte("# from SchemaGen\nfeature { name: 'age' type: INT }")},
		{name: "binary", in: bin},
		{name: "misspelt field", in: []byte("feature { nme: \"age\" }"), wantErr: "nme"},
		{name: "bad binary", in: []byte{0x0a, 0x05}, wantErr: "Unable to parse schema."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	s := &metadatapb.Schema{Feature: []*metadatapb.Feature{
		{Name: proto.String("a"), Type: metadatapb.FeatureType_FLOAT.Enum()},
		{Name: proto.String("b"), Type: metadatapb.FeatureType_BYTES.Enum(),
			PresenceConstraints: &metadatapb.Feature_Presence{Presence: &metadatapb.FeaturePresence{MinFraction: proto.Float64(1)}}},
	}}
	dir := t.TempDir()
	for _, name := range []string{"schema.pbtxt", "schema.pb"} {
		p := filepath.Join(dir, name)
		if err := Save(p, s); err != nil {
			t.Fatal(err)
		}
		got, err := Load(p)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(s, got, protocmp.Transform()); diff != "" {
			t.Errorf("%s round trip (-want +got):\n%s", name, diff)
		}
	}
	if _, err := Load(filepath.Join(dir, "missing.pbtxt")); !os.IsNotExist(errorsUnwrap(err)) {
		t.Errorf("Load of a missing file: %v", err)
	}
}

func errorsUnwrap(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		err = u.Unwrap()
	}
}
