package tfrecord_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"

	"github.com/gobsl/gobsl/tfrecord"
)

func Example() {
	var buf bytes.Buffer
	w, err := tfrecord.NewWriter(&buf, tfrecord.WithWriterCompression(tfrecord.Gzip))
	if err != nil {
		log.Fatal(err)
	}
	for _, rec := range []string{"foo", "bar", ""} {
		if err := w.Write([]byte(rec)); err != nil {
			log.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}

	r, err := tfrecord.NewReader(&buf) // the compression is detected
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	fmt.Println("compression:", r.Compression())
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("record %d at offset %d: %q\n", r.Index(), r.Offset(), rec)
	}
	// Output:
	// compression: gzip
	// record 0 at offset 0: "foo"
	// record 1 at offset 19: "bar"
	// record 2 at offset 38: ""
}

func ExampleAppendRecord() {
	rec := tfrecord.AppendRecord(nil, []byte("foo"))
	fmt.Printf("% x\n", rec)
	// Output:
	// 03 00 00 00 00 00 00 00 b0 99 49 0e 66 6f 6f 61 8a be fe
}

func ExampleWithSalvage() {
	var stream []byte
	for _, rec := range []string{"first", "second", "third"} {
		stream = tfrecord.AppendRecord(stream, []byte(rec))
	}
	stream[21+14] ^= 0xff // damage the data of "second"

	r, err := tfrecord.NewReader(bytes.NewReader(stream), tfrecord.WithPath("data.tfrecord"), tfrecord.WithSalvage(true))
	if err != nil {
		log.Fatal(err)
	}
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println("skipping:", err, errors.Is(err, tfrecord.ErrCorrupt))
			continue
		}
		fmt.Printf("%s\n", rec)
	}
	skipped, regions := r.Salvaged()
	fmt.Printf("skipped %d bytes in %d region\n", skipped, regions)
	// Output:
	// first
	// skipping: tfrecord: data.tfrecord: corrupted record at 21 (record 1): data CRC mismatch true
	// third
	// skipped 22 bytes in 1 region
}
