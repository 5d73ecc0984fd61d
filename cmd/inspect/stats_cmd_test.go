package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/proto/metadatapb"
)

func TestStatsCmd(t *testing.T) {
	taxi, seq := cmdData(t)
	tests := []struct {
		name string
		args []string
	}{
		{"stats_table", []string{"stats", taxi}},
		{"stats_table_sequence", []string{"stats", "--record-type", "sequence_example", seq}},
		{"stats_pbtxt_sequence", []string{"stats", "--format", "pbtxt", "--record-type", "sequence_example", "--workers", "3", seq}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", nil, tt.args...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			golden(t, tt.name, out)
		})
	}
}

// TestStatsCmdFormats checks that every output form holds the same
// statistics: standard output as pbtxt and json, files as .pb, .pbtxt and
// .json.
func TestStatsCmdFormats(t *testing.T) {
	taxi, _ := cmdData(t)
	dir := t.TempDir()
	_, text, _ := runCLI(t, "", nil, "stats", "--format", "pbtxt", taxi)
	want := &metadatapb.DatasetFeatureStatisticsList{}
	if err := prototext.Unmarshal([]byte(text), want); err != nil {
		t.Fatal(err)
	}
	if n := want.GetDatasets()[0].GetNumExamples(); n != 300 {
		t.Fatalf("num_examples = %d, want 300", n)
	}
	_, js, _ := runCLI(t, "", nil, "stats", "--format", "json", taxi)
	var generic map[string]any
	if err := json.Unmarshal([]byte(js), &generic); err != nil {
		t.Fatalf("--format json: %v", err)
	}
	if !strings.Contains(js, `"numExamples": "300"`) {
		t.Errorf("--format json is not proto3 JSON (camelCase, uint64 as string):\n%.300s", js)
	}
	for _, name := range []string{"FeatureStats.pb", "stats.pbtxt", "stats.json"} {
		out := filepath.Join(dir, name)
		if code, _, errOut := runCLI(t, "", nil, "stats", "-o", out, taxi); code != exitOK {
			t.Fatalf("%s: exit %d: %s", name, code, errOut)
		}
		loaded, err := loadStatistics(out)
		if name == "stats.json" {
			b, rerr := os.ReadFile(out)
			if rerr != nil {
				t.Fatal(rerr)
			}
			if !strings.Contains(string(b), `"numExamples": "300"`) {
				t.Errorf("%s is not the JSON form", name)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if !proto.Equal(loaded, want) {
			t.Errorf("%s differs from --format pbtxt", name)
		}
	}
}

func TestStatsCmdUsage(t *testing.T) {
	taxi, _ := cmdData(t)
	code, _, errOut := runCLI(t, "", nil, "stats", "--format", "yaml", taxi)
	if code != exitUsage || !strings.Contains(errOut, `unknown format "yaml"`) {
		t.Errorf("exit %d: %s", code, errOut)
	}
	code, _, errOut = runCLI(t, "", nil, "stats", filepath.Join(t.TempDir(), "missing.tfrecord"))
	if code != exitData {
		t.Errorf("missing input: exit %d: %s", code, errOut)
	}
}
