package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/proto/metadatapb"
	"github.com/gobsl/gobsl/schema"
	"github.com/gobsl/gobsl/stats"
	"github.com/gobsl/gobsl/tfrecord"
	"github.com/gobsl/gobsl/validate"
)

// validate: anomalies of data against a TFMD schema.

func init() {
	register(&command{
		name:    "validate",
		args:    "--schema FILE INPUT...",
		summary: "check data against a TFMD schema, list the anomalies",
		help: `Computes the statistics of the inputs (as 'inspect stats') and checks them
against a TFMD schema as TFDV's validate_statistics (TFX's ExampleValidator)
does. Prints one line per anomaly: the feature, the anomaly's kind (TFDV's
AnomalyInfo type) and TFDV's short description and description:
  New column                features in the data but not in the schema
  Column dropped            required features missing, or present in too
                            few examples (presence min_count, min_fraction)
  Expected data of type     values of another type than the schema's
  Missing/Superfluous values  fewer or more values than value_count,
                            value_counts or shape allow
  Unexpected string values  values outside a string domain; also
                            Out-of-range values (int_domain, float_domain),
                            Non-boolean values (bool_domain)

Exit status 1 when there are anomalies, 0 when the data fits the schema.

With --stats the inputs are statistics instead of data: TFX's
FeatureStats.pb or stats_tfrecord, or a text DatasetFeatureStatisticsList.

Examples:
  inspect validate --schema schema.pbtxt data/Split-eval/
  inspect validate --schema schema.pbtxt --json serving.tfrecord.gz
  inspect validate --schema schema.pbtxt --environment SERVING requests.gz
  inspect validate --schema schema.pbtxt --stats Split-eval/FeatureStats.pb`,
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			var o validateFlags
			fs.StringVar(&o.schema, "schema", "", "TFMD schema (.pbtxt or binary) to check against (required)")
			fs.BoolVar(&o.json, "json", false, `print {"num_examples":N,"anomalies":[{"feature","type","short_description","description"},...]}`)
			fs.StringVar(&o.env, "environment", "", "check the schema's features of this environment only (TFDV environments)")
			fs.BoolVar(&o.stats, "stats", false, "the inputs are statistics (FeatureStats.pb, stats_tfrecord or text), not data")
			o.in.bind(fs)
			return func(e *env, args []string) error { return runValidate(e, args, &o) }
		},
	})
}

type validateFlags struct {
	schema, env string
	json, stats bool
	in          inputFlags
}

func runValidate(e *env, args []string, o *validateFlags) error {
	if o.schema == "" {
		return usagef("--schema is required")
	}
	s, err := schema.Load(o.schema)
	if err != nil {
		return err
	}
	var l *metadatapb.DatasetFeatureStatisticsList
	if o.stats {
		if len(args) != 1 {
			return usagef("--stats takes one statistics file")
		}
		if l, err = loadStatistics(args[0]); err != nil {
			return err
		}
	} else if l, err = o.in.statistics(e, args, stats.Options{Schema: s}, 0); err != nil {
		return err
	}
	rep, err := validate.Options{Environment: o.env}.Statistics(s, l)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(e.stdout)
	if o.json {
		err = rep.WriteJSON(w)
	} else {
		err = rep.WriteText(w)
	}
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return err
	}
	if !rep.OK() {
		return errReported
	}
	return nil
}

// loadStatistics reads a DatasetFeatureStatisticsList from a TFRecord
// file of one record (stats_tfrecord), a bare binary proto
// (FeatureStats.pb) or text format.
func loadStatistics(path string) (*metadatapb.DatasetFeatureStatisticsList, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	l := &metadatapb.DatasetFeatureStatisticsList{}
	if r, err := tfrecord.Open(path); err == nil {
		rec, rerr := r.Next()
		_, more := r.Next()
		r.Close()
		if rerr == nil && errors.Is(more, io.EOF) && proto.Unmarshal(rec, l) == nil {
			return l, nil
		}
	}
	l.Reset()
	if err := proto.Unmarshal(b, l); err == nil && len(l.GetDatasets()) > 0 {
		return l, nil
	}
	l.Reset()
	if err := prototext.Unmarshal(b, l); err != nil {
		return nil, fmt.Errorf("%s: not statistics (a DatasetFeatureStatisticsList in binary, text or a TFRecord): %v", path,
			strings.TrimSpace(err.Error()))
	}
	return l, nil
}
