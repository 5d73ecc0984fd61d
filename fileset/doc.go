// Package fileset decides which files a command works on and writes its
// output files safely.
//
// # Input patterns
//
// [Expand] turns command-line patterns into file names. A pattern may be
// "-" (standard input), a file, a directory (its data files, recursively,
// as TFX lays out Split-train and Split-eval), a glob, a sharded name
// "prefix@N", or the glob form of one, "prefix-?????-of-NNNNN". Sharded
// patterns must find every shard: a missing shard is reported as
// [ErrMissingShard] rather than silently reading fewer records. A pattern
// that names nothing is [ErrNoMatch].
//
// # Shard names
//
// [ShardName] builds the names TensorFlow, Beam and TFX use:
// prefix-00003-of-00010 plus an extension.
//
// # Atomic output
//
// [Create] returns a [File] that writes to a temporary file next to its
// final name; [File.Commit] syncs it and renames it into place, and
// [File.Abort] removes it. A failed or interrupted run therefore never
// leaves a truncated file under the final name, and an existing file is
// replaced only when asked to.
//
// # Related packages
//
// Package github.com/gobsl/gobsl/tfrecord reads and writes the records
// inside these files; its Open, Create and CreateShards use this package.
package fileset
