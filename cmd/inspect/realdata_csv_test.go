package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRealTaxiCSVConvert converts the taxi CSV of TFX's testdata to a
// gzipped TFRecord, as CsvExampleGen does, and counts the records.
func TestRealTaxiCSVConvert(t *testing.T) {
	root := os.Getenv("GOBSL_REALDATA")
	if root == "" {
		t.Skip("GOBSL_REALDATA not set")
	}
	csvDir := filepath.Join(root, "tfx/tfx/components/testdata/external/csv")
	dir := t.TempDir()
	code, _, errOut := runCLI(t, dir, nil, "convert", "--quiet", csvDir, "taxi.tfrecord.gz")
	if code != exitOK {
		t.Fatalf("convert: exit %d, %s", code, errOut)
	}
	code, out, errOut := runCLI(t, dir, nil, "count", "--json", "taxi.tfrecord.gz")
	if code != exitOK || !strings.Contains(out, `"total":15000`) {
		t.Errorf("count: exit %d, %s %s", code, out, errOut)
	}
}
