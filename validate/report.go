package validate

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
)

// A Report is the outcome of a validation.
type Report struct {
	// NumExamples is the number of examples the statistics describe.
	NumExamples uint64 `json:"num_examples"`
	// Anomalies, by feature (dataset anomalies first), in the order the
	// checks found them; empty when the data fits the schema.
	Anomalies []Anomaly `json:"anomalies"`
}

func (r *Report) add(feature string, k Kind, short, desc string) {
	r.Anomalies = append(r.Anomalies, Anomaly{Feature: feature, Kind: k, Short: short, Description: desc})
}

// OK reports whether there are no anomalies.
func (r *Report) OK() bool { return len(r.Anomalies) == 0 }

// WriteText writes one line per anomaly: feature, kind, short and long
// description, in aligned columns; or a line saying there are none.
func (r *Report) WriteText(w io.Writer) error {
	if r.OK() {
		_, err := fmt.Fprintf(w, "no anomalies (%d examples)\n", r.NumExamples)
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "FEATURE\tKIND\tANOMALY")
	for _, a := range r.Anomalies {
		f := a.Feature
		if f == "" {
			f = "(dataset)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s: %s\n", f, a.Kind, a.Short, a.Description)
	}
	fmt.Fprintf(tw, "%d anomalies (%d examples)\n", len(r.Anomalies), r.NumExamples)
	return tw.Flush()
}

// WriteJSON writes the report as indented JSON:
// {"num_examples":N,"anomalies":[{"feature":F,"type":K,"short_description":S,"description":D},...]}.
func (r *Report) WriteJSON(w io.Writer) error {
	out := *r
	if out.Anomalies == nil {
		out.Anomalies = []Anomaly{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
