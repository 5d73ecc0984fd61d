package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/internal/synth"
	"github.com/gobsl/gobsl/proto/metadatapb"
	"github.com/gobsl/gobsl/schema"
)

// validateData writes a schema inferred from one taxi sample, then
// tightened and loosened so that another sample breaks it in several
// ways.
func validateData(t *testing.T) (schemaPath, data string) {
	t.Helper()
	dir := t.TempDir()
	train := writeSynth(t, dir, "train.tfrecord", synth.Taxi(400, 1))
	code, out, errOut := runCLI(t, "", nil, "schema", "infer", train)
	if code != exitOK {
		t.Fatalf("schema infer: exit %d: %s", code, errOut)
	}
	s, err := schema.Parse([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	var kept []*metadatapb.Feature
	for _, f := range s.GetFeature() {
		switch f.GetName() {
		case "tips":
			continue // a new column in the data
		case "payment_type":
			f.GetPresence().MinFraction = proto.Float64(1) // dropped in some examples
		case "fare":
			f.DomainInfo = &metadatapb.Feature_FloatDomain{FloatDomain: &metadatapb.FloatDomain{Max: proto.Float32(20)}}
		}
		kept = append(kept, f)
	}
	s.Feature = kept
	for _, d := range s.GetStringDomain() {
		if d.GetName() == "company" {
			d.Value = d.Value[2:] // two values unknown
		}
	}
	b, err := protoText(s)
	if err != nil {
		t.Fatal(err)
	}
	schemaPath = filepath.Join(dir, "schema.pbtxt")
	if err := os.WriteFile(schemaPath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return schemaPath, writeSynth(t, dir, "eval.tfrecord.gz", synth.Taxi(300, 2))
}

func TestValidateCmd(t *testing.T) {
	sch, data := validateData(t)
	_, seq := cmdData(t)
	for _, tt := range []struct {
		name string
		args []string
		code int
	}{
		{"validate", []string{"validate", "--schema", sch, data}, exitData},
		{"validate_json", []string{"validate", "--schema", sch, "--json", data}, exitData},
		{"validate_sequence_vs_taxi", []string{"validate", "--schema", sch, "--record-type", "sequence_example", seq}, exitData},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", nil, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d: %s", code, tt.code, errOut)
			}
			golden(t, tt.name, out)
		})
	}
}

func TestValidateCmdClean(t *testing.T) {
	dir := t.TempDir()
	data := writeSynth(t, dir, "d.tfrecord", synth.Taxi(200, 5))
	sch := filepath.Join(dir, "schema.pbtxt")
	if code, _, errOut := runCLI(t, "", nil, "schema", "infer", "-o", sch, data); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	code, out, errOut := runCLI(t, "", nil, "validate", "--schema", sch, data)
	if code != exitOK || out != "no anomalies (200 examples)\n" {
		t.Errorf("exit %d, stdout %q: %s", code, out, errOut)
	}
	// The same through statistics files.
	st := filepath.Join(dir, "stats.pb")
	if code, _, errOut := runCLI(t, "", nil, "stats", "-o", st, data); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	code, out, errOut = runCLI(t, "", nil, "validate", "--schema", sch, "--stats", st)
	if code != exitOK || out != "no anomalies (200 examples)\n" {
		t.Errorf("--stats: exit %d, stdout %q: %s", code, out, errOut)
	}
}

func TestValidateCmdUsage(t *testing.T) {
	sch, data := validateData(t)
	for _, tt := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no schema", []string{"validate", data}, exitUsage, "--schema is required"},
		{"bad schema", []string{"validate", "--schema", data, data}, exitData, "schema"},
		{"two statistics files", []string{"validate", "--schema", sch, "--stats", data, data}, exitUsage, "one statistics file"},
		{"not statistics", []string{"validate", "--schema", sch, "--stats", sch}, exitData, "not statistics"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", nil, tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, errOut, tt.code, tt.want)
			}
		})
	}
}
