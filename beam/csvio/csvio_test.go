package csvio

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
)

// TestLineSplits reads a file in parts of every size and checks that
// each line is read once, the header left out.
func TestLineSplits(t *testing.T) {
	header := "a,b"
	var sb strings.Builder
	sb.WriteString("\uFEFF" + header + "\r\n")
	var want []string
	for i := range 30 {
		line := fmt.Sprintf("%d,%s", i, strings.Repeat("x", i%7))
		if i%9 == 4 {
			line = "" // blank lines are lines too
		}
		want = append(want, line)
		sb.WriteString(line)
		if i%2 == 0 {
			sb.WriteString("\r")
		}
		sb.WriteString("\n")
	}
	data := sb.String()
	dir := t.TempDir()
	path := filepath.Join(dir, "f.csv")
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	gzPath := filepath.Join(dir, "f.csv.gz")
	f, err := os.Create(gzPath)
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	zw.Write([]byte(data))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	ctx := context.Background()
	if got, err := firstLine(path); err != nil || got != header {
		t.Fatalf("firstLine = %q, %v", got, err)
	}
	slices.Sort(want)
	for _, file := range []File{
		{Path: path, Size: int64(len(data))},
		{Path: gzPath, Compressed: true},
	} {
		for _, size := range []int64{1, 2, 3, 5, 8, 13, 100, 1 << 20} {
			fn := &linesFn{Header: header, SplitSize: size}
			var got []string
			for _, r := range fn.SplitRestriction(file, fn.CreateInitialRestriction(file)) {
				rt := fn.CreateTracker(r)
				if err := fn.ProcessElement(ctx, rt, file, func(l string) { got = append(got, l) }); err != nil {
					t.Fatalf("%s, parts of %d, %v: %v", file.Path, size, r, err)
				}
				if !rt.IsDone() {
					t.Fatalf("%s, parts of %d, %v: not done: %v", file.Path, size, r, rt.GetError())
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s, parts of %d: lines\n%q\nwant\n%q", file.Path, size, got, want)
			}
		}
	}

	// Another header is an error.
	fn := &linesFn{Header: "a,c"}
	file := File{Path: path, Size: int64(len(data))}
	err = fn.ProcessElement(ctx, fn.CreateTracker(fn.CreateInitialRestriction(file)), file, func(string) {})
	if err == nil || !strings.Contains(err.Error(), `header "a,b" differs`) {
		t.Errorf("error %v, want a header mismatch", err)
	}
}
