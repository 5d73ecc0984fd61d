package stats

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/gobsl/gobsl/proto/metadatapb"
)

// WriteTable writes a readable summary of the statistics: one line per
// feature with its type, presence, values per example and the main
// numeric or string statistics.
func WriteTable(w io.Writer, l *metadatapb.DatasetFeatureStatisticsList) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for i, ds := range l.GetDatasets() {
		if i > 0 {
			fmt.Fprintln(tw)
		}
		name := ds.GetName()
		if name != "" {
			name = strconv.Quote(name) + ": "
		}
		fmt.Fprintf(tw, "%s%d examples, %d features\n", name, ds.GetNumExamples(), len(ds.GetFeatures()))
		fmt.Fprintln(tw, "FEATURE\tTYPE\tPRESENT\tMISSING\tVALUES min/avg/max\tSUMMARY")
		for _, f := range ds.GetFeatures() {
			c := common(f)
			vals := "-"
			if c.GetNumNonMissing() > 0 {
				vals = fmt.Sprintf("%d/%s/%d", c.GetMinNumValues(), fmtFloat(float64(c.GetAvgNumValues())), c.GetMaxNumValues())
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\n", featureName(f), f.GetType(), c.GetNumNonMissing(), c.GetNumMissing(), vals, summary(f))
		}
	}
	return tw.Flush()
}

func featureName(f *metadatapb.FeatureNameStatistics) string {
	if p := f.GetPath(); p != nil {
		return strings.Join(p.GetStep(), ".")
	}
	return f.GetName()
}

func common(f *metadatapb.FeatureNameStatistics) *metadatapb.CommonStatistics {
	switch {
	case f.GetNumStats() != nil:
		return f.GetNumStats().GetCommonStats()
	case f.GetStringStats() != nil:
		return f.GetStringStats().GetCommonStats()
	case f.GetBytesStats() != nil:
		return f.GetBytesStats().GetCommonStats()
	}
	return f.GetStructStats().GetCommonStats()
}

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }

func summary(f *metadatapb.FeatureNameStatistics) string {
	switch {
	case f.GetNumStats() != nil:
		n := f.GetNumStats()
		if common(f).GetTotNumValues() == 0 {
			return ""
		}
		s := fmt.Sprintf("mean=%s sd=%s min=%s median=%s max=%s zeros=%d",
			fmtFloat(n.GetMean()), fmtFloat(n.GetStdDev()), fmtFloat(n.GetMin()), fmtFloat(n.GetMedian()), fmtFloat(n.GetMax()), n.GetNumZeros())
		for _, h := range n.GetHistograms() {
			if h.GetNumNan() > 0 {
				return s + fmt.Sprintf(" nan=%d", h.GetNumNan())
			}
		}
		return s
	case f.GetStringStats() != nil:
		s := f.GetStringStats()
		if s.GetUnique() == 0 {
			return ""
		}
		out := fmt.Sprintf("unique=%d avg_length=%s", s.GetUnique(), fmtFloat(float64(s.GetAvgLength())))
		if tv := s.GetTopValues(); len(tv) > 0 {
			out += fmt.Sprintf(" top=%s(%s)", strconv.Quote(tv[0].GetValue()), fmtFloat(tv[0].GetFrequency()))
		}
		if s.GetInvalidUtf8Count() > 0 {
			out += fmt.Sprintf(" invalid_utf8=%d", s.GetInvalidUtf8Count())
		}
		return out
	case f.GetBytesStats() != nil:
		b := f.GetBytesStats()
		return fmt.Sprintf("unique=%d bytes min/avg/max=%s/%s/%s", b.GetUnique(),
			fmtFloat(float64(b.GetMinNumBytes())), fmtFloat(float64(b.GetAvgNumBytes())), fmtFloat(float64(b.GetMaxNumBytes())))
	}
	return ""
}
