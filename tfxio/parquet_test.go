package tfxio

import (
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"

	"github.com/gobsl/gobsl/internal/synth"
)

// TestParquetPagesFitOneZstdBlock: every page must stay under zstd's
// 128 KiB block, which klauspost/compress encodes without a 16 MiB history
// (see parquetPageSize). 20,000 rows make 160 KB int64 column chunks, one
// page each at arrow-go's default page size.
func TestParquetPagesFitOneZstdBlock(t *testing.T) {
	const zstdBlock = 128 << 10
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	in := filepath.Join(dir, "in.tfrecord")
	writeTFRecord(t, in, synth.Taxi(20000, 11))
	out := filepath.Join(dir, "out.parquet")
	if _, err := convert(t, mem, []string{in}, out, ReadOptions{}, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	f, err := file.OpenParquetFile(out, false)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pages := 0
	for i := range f.NumRowGroups() {
		rg := f.RowGroup(i)
		for j := range rg.NumColumns() {
			pr, err := rg.GetColumnPageReader(j)
			if err != nil {
				t.Fatal(err)
			}
			for pr.Next() {
				p := pr.Page()
				n := len(p.Data()) // a dictionary page, decompressed
				if dp, ok := p.(file.DataPage); ok {
					n = int(dp.UncompressedSize())
				}
				if n > zstdBlock {
					t.Errorf("row group %d, column %d: %v page of %d bytes, want at most %d",
						i, j, p.Type(), n, zstdBlock)
				}
				pages++
			}
			if err := pr.Err(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if pages == 0 {
		t.Fatal("no pages read")
	}
}
