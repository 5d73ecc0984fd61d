package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// realData returns the folder of real files written by TensorFlow, TFX and
// Beam, or skips the test when GOBSL_REALDATA is unset.
func realData(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("GOBSL_REALDATA")
	if dir == "" {
		t.Skip("GOBSL_REALDATA is not set")
	}
	return dir
}

type verifyEntry struct {
	Path         string         `json:"path"`
	Compression  string         `json:"compression"`
	Records      int64          `json:"records"`
	PayloadKinds map[string]int `json:"payload_kinds"`
}

func loadVerifyJSON(t *testing.T, dir string) []verifyEntry {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "verify.json"))
	if err != nil {
		t.Fatal(err)
	}
	var entries []verifyEntry
	if err := json.Unmarshal(b, &entries); err != nil {
		t.Fatal(err)
	}
	if len(entries) < 100 {
		t.Fatalf("verify.json lists %d files, expected over 100", len(entries))
	}
	return entries
}

// TestRealDataCountAndVerify: inspect count gives exactly the record count
// that verify.json lists for every TFRecord file TensorFlow wrote, and
// inspect verify passes on all of them.
func TestRealDataCountAndVerify(t *testing.T) {
	dir := realData(t)
	entries := loadVerifyJSON(t, dir)
	var total int64
	tfrecords := 0
	for _, e := range entries {
		if strings.HasPrefix(e.Compression, "n/a") {
			continue // a bare binary proto listed for completeness, not a TFRecord file
		}
		tfrecords++
		path := filepath.Join(dir, e.Path)
		code, out, errOut := runCLI(t, "", nil, "count", "--json", path)
		if code != 0 {
			t.Errorf("count %s: exit %d: %s", e.Path, code, errOut)
			continue
		}
		var got struct {
			Total int64 `json:"total"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		if got.Total != e.Records {
			t.Errorf("count %s = %d, verify.json says %d", e.Path, got.Total, e.Records)
		}
		total += got.Total
		if code, out, errOut := runCLI(t, "", nil, "verify", path); code != 0 {
			t.Errorf("verify %s: exit %d:\n%s%s", e.Path, code, out, errOut)
		}
	}
	if tfrecords < 100 {
		t.Errorf("checked %d TFRecord files, expected over 100", tfrecords)
	}
	t.Logf("%d TFRecord files, %d records", tfrecords, total)
}

// TestRealDataShow prints the first record of every tf.Example and
// tf.SequenceExample file in each format: nothing may fail.
func TestRealDataShow(t *testing.T) {
	dir := realData(t)
	for _, e := range loadVerifyJSON(t, dir) {
		if e.PayloadKinds["Example"] == 0 && e.PayloadKinds["SequenceExample"] == 0 {
			continue
		}
		for _, format := range []string{"json", "flat", "pbtxt"} {
			code, out, errOut := runCLI(t, "", nil, "head", "-n", "2", "--format", format, filepath.Join(dir, e.Path))
			if code != 0 || out == "" {
				t.Errorf("head --format %s %s: exit %d: %s", format, e.Path, code, errOut)
			}
		}
	}
}
