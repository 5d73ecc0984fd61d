package main

import (
	"bufio"
	"flag"

	"github.com/gobsl/gobsl/stats"
)

// stats: TFDV-compatible dataset statistics.

func init() {
	register(&command{
		name:    "stats",
		args:    "INPUT...",
		summary: "compute TFDV-compatible dataset statistics",
		help: `Computes the statistics TFX's StatisticsGen (TFDV) computes, in one pass
on all cores: per feature its type, presence, values per example, numeric
statistics (mean, std_dev, zeros, min, median, max, a standard and a
quantiles histogram) and string statistics (unique values, top values,
average length, invalid UTF-8). The inputs are one dataset.

Output (--format): table, a summary line per feature (the default);
pbtxt, the DatasetFeatureStatisticsList in text format; json, the same as
proto3 JSON. With -o the statistics go to a file instead, in binary
(.pb, the FeatureStats.pb TFX writes), JSON (.json) or text (any other name).

Medians and histograms are exact up to 16,384 values per feature and from a
KLL sketch beyond (ranks within about 0.2%).

Examples:
  inspect stats data/Split-train/
  inspect stats --format pbtxt 'data-*-of-00010.gz' | less
  inspect stats -o FeatureStats.pb data/Split-eval/
  inspect stats --record-type sequence_example seq.tfrecord.gz`,
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			var o statsFlags
			fs.StringVar(&o.out, "o", "", "write the statistics to this file (.pb binary, .json, else text) instead of standard output")
			fs.BoolVar(&o.force, "force", false, "replace an existing -o file")
			fs.StringVar(&o.format, "format", "table", "standard output format: table, pbtxt or json")
			o.in.bind(fs)
			return func(e *env, args []string) error { return runStats(e, args, &o) }
		},
	})
}

type statsFlags struct {
	out, format string
	force       bool
	in          inputFlags
}

func runStats(e *env, args []string, o *statsFlags) error {
	switch o.format {
	case "table", "pbtxt", "json":
	default:
		return usagef("unknown format %q (want table, pbtxt or json)", o.format)
	}
	l, err := o.in.statistics(e, args, stats.Options{}, 0)
	if err != nil {
		return err
	}
	if o.out != "" {
		return writeProto(o.out, o.force, l)
	}
	w := bufio.NewWriter(e.stdout)
	defer w.Flush()
	var b []byte
	switch o.format {
	case "table":
		if err := stats.WriteTable(w, l); err != nil {
			return err
		}
		return w.Flush()
	case "pbtxt":
		b, err = protoText(l)
	case "json":
		b, err = formatJSONProto(l)
	}
	if err != nil {
		return err
	}
	if _, err := w.Write(b); err != nil {
		return err
	}
	return w.Flush()
}
