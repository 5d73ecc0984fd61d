package fileset_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/gobsl/gobsl/fileset"
)

func ExampleExpand() {
	dir, err := os.MkdirTemp("", "fileset-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	// A TFX-style output: two splits, sharded, plus a marker file.
	for _, name := range []string{
		"Split-train/" + fileset.ShardName("data_tfrecord", 1, 2, ".gz"),
		"Split-train/" + fileset.ShardName("data_tfrecord", 0, 2, ".gz"),
		"Split-eval/" + fileset.ShardName("data_tfrecord", 0, 1, ".gz"),
		"_SUCCESS",
	} {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(path, nil, 0o644); err != nil {
			log.Fatal(err)
		}
	}

	for _, pattern := range []string{
		".",                              // a directory: its data files
		"Split-train/data_tfrecord@2.gz", // prefix@N
		"Split-eval/*-?????-of-00001.gz", // every shard, by glob
	} {
		files, err := fileset.Expand(filepath.Join(dir, pattern))
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(pattern)
		for _, f := range files {
			rel, err := filepath.Rel(dir, f)
			if err != nil {
				log.Fatal(err)
			}
			fmt.Println("  " + filepath.ToSlash(rel))
		}
	}

	_, err = fileset.Expand(filepath.Join(dir, "Split-train/data_tfrecord@3.gz"))
	fmt.Println(strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), ""))
	// Output:
	// .
	//   Split-eval/data_tfrecord-00000-of-00001.gz
	//   Split-train/data_tfrecord-00000-of-00002.gz
	//   Split-train/data_tfrecord-00001-of-00002.gz
	// Split-train/data_tfrecord@2.gz
	//   Split-train/data_tfrecord-00000-of-00002.gz
	//   Split-train/data_tfrecord-00001-of-00002.gz
	// Split-eval/*-?????-of-00001.gz
	//   Split-eval/data_tfrecord-00000-of-00001.gz
	// fileset: shard 0 of 3 missing: Split-train/data_tfrecord-00000-of-00003.gz
}
