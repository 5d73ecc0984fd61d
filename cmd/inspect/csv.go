package main

import (
	"flag"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gobsl/gobsl/tfxio"
)

// csvFlags are convert's options for CSV input (tfx-bsl's CsvTFXIO
// arguments).
type csvFlags struct {
	columnNames, delimiter, multivalent, secondary, raw string
	skipBlankLines                                      bool
	inferRows                                           int
}

func (c *csvFlags) bind(fs *flag.FlagSet) {
	fs.StringVar(&c.columnNames, "column-names", "", "CSV: comma-separated column names of files without a header line")
	fs.StringVar(&c.delimiter, "delimiter", "", `CSV: field delimiter, one character or \t or tab (default "," and tab for .tsv)`)
	fs.BoolVar(&c.skipBlankLines, "skip-blank-lines", true, "CSV: skip blank lines; false makes them rows of missing values")
	fs.StringVar(&c.multivalent, "multivalent-columns", "", "CSV: comma-separated columns whose cells are lists, split by --secondary-delimiter")
	fs.StringVar(&c.secondary, "secondary-delimiter", "", "CSV: delimiter of the values in multivalent cells")
	fs.StringVar(&c.raw, "raw-record-column", "", "CSV: add a last column of this name holding each row's raw record")
	fs.IntVar(&c.inferRows, "infer-rows", 0, "CSV: rows read to infer column types (0: all, in a first pass)")
}

// parseDelimiter reads a delimiter flag: one character, or \t or tab.
func parseDelimiter(flagName, s string) (rune, error) {
	switch strings.ToLower(s) {
	case "":
		return 0, nil
	case `\t`, "tab":
		return '\t', nil
	}
	if r, n := utf8.DecodeRuneInString(s); n == len(s) && r != utf8.RuneError {
		if r >= utf8.RuneSelf || r == '"' || r == '\r' || r == '\n' {
			return 0, fmt.Errorf("--%s must be an ASCII character other than '\"', '\\r' and '\\n', not %q", flagName, s)
		}
		return r, nil
	}
	return 0, fmt.Errorf("--%s must be one character (or \\t or tab), not %q", flagName, s)
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// options returns the CSV options the flags give.
func (c *csvFlags) options() (tfxio.CSVOptions, error) {
	var o tfxio.CSVOptions
	var err error
	if o.Delimiter, err = parseDelimiter("delimiter", c.delimiter); err != nil {
		return o, err
	}
	if o.SecondaryDelimiter, err = parseDelimiter("secondary-delimiter", c.secondary); err != nil {
		return o, err
	}
	if c.inferRows < 0 {
		return o, fmt.Errorf("--infer-rows must be 0 (all rows) or more")
	}
	o.ColumnNames = splitList(c.columnNames)
	o.MultivalentColumns = splitList(c.multivalent)
	o.KeepBlankLines = !c.skipBlankLines
	o.RawRecordColumn = c.raw
	o.InferRows = c.inferRows
	return o, nil
}
