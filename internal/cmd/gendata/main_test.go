package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestCommittedDataIsCurrent proves the sample data committed in the
// repository's testdata/ is exactly what the generator makes, so the demo
// and the tests run on data whose content is known.
func TestCommittedDataIsCurrent(t *testing.T) {
	dir := t.TempDir()
	if err := run(dir, true); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 {
		t.Fatal("generator wrote nothing")
	}
	for _, e := range entries {
		want, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", e.Name()))
		if err != nil {
			t.Fatalf("%v: run go run ./internal/cmd/gendata -o testdata", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("testdata/%s is stale: run go run ./internal/cmd/gendata -o testdata", e.Name())
		}
	}
}
