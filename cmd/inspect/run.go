package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"syscall"
)

// Exit codes.
const (
	exitOK    = 0
	exitData  = 1 // the data is bad (or an I/O error occurred)
	exitUsage = 2
)

// env is what a command runs with: its streams and context. Tests run
// commands with buffers in place of the process's streams.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// command is one subcommand of inspect.
type command struct {
	name    string
	args    string // argument synopsis
	summary string
	help    string // longer text with examples
	flags   func(fs *flag.FlagSet) func(e *env, args []string) error
}

var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

// usageError marks an error as the user's: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// dataError marks an error that was already reported line by line: exit
// status 1 without a further message.
var errReported = errors.New("problems reported")

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		mainUsage(stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				fs := newFlagSet(c, stdout)
				c.flags(fs)
				fs.Usage()
				return exitOK
			}
			fmt.Fprintf(stderr, "inspect: unknown command %q\n", args[1])
			return exitUsage
		}
		mainUsage(stdout)
		return exitOK
	case "version", "--version":
		fmt.Fprintln(stdout, "inspect (gobsl) "+version())
		return exitOK
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "inspect: unknown command %q\n\n", name)
		mainUsage(stderr)
		return exitUsage
	}
	fs := newFlagSet(c, stderr)
	body := c.flags(fs)
	rest, err := parseInterspersed(fs, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stdout)
		fs.Usage()
		return exitOK
	}
	if err != nil {
		return exitUsage // the flag package has printed the problem and usage
	}
	err = body(e, rest)
	return report(stderr, name, err)
}

// report prints err and returns the exit code for it.
func report(stderr io.Writer, name string, err error) int {
	var ue *usageError
	switch {
	case err == nil:
		return exitOK
	case isBrokenPipe(err):
		return exitOK // the reader went away (| head): quietly stop
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "inspect %s: %v\nRun 'inspect help %s' for usage.\n", name, err, name)
		return exitUsage
	case errors.Is(err, errReported):
		return exitData
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(stderr, "inspect %s: interrupted\n", name)
		return exitData
	default:
		fmt.Fprintf(stderr, "inspect %s: %v\n", name, err)
		return exitData
	}
}

func isBrokenPipe(err error) bool {
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, io.ErrClosedPipe)
}

func newFlagSet(c *command, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: inspect %s [flags] %s\n\n%s\n", c.name, c.args, c.summary)
		if c.help != "" {
			fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.help))
		}
		fmt.Fprintln(w, "\nFlags:")
		fs.PrintDefaults()
	}
	return fs
}

// parseInterspersed parses flags that may stand before, between or after
// positional arguments ("inspect head file.gz -n 3"). "--" ends the flags;
// a lone "-" is a positional argument (standard input).
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		// fs.Parse stopped either after a "--" (everything after it is
		// positional) or at a positional argument (or a lone "-").
		if i := len(args) - len(rest) - 1; i >= 0 && args[i] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

func mainUsage(w io.Writer) {
	fmt.Fprint(w, `inspect looks into, verifies, summarises and converts ML data files:
TFRecord (tf.Example, tf.SequenceExample; none, gzip, zlib, zstd), Parquet,
Arrow IPC (file and stream), CSV and JSON lines; tensors out as .npz and
.safetensors.

Usage: inspect COMMAND [flags] FILE...

Commands:
`)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, commands[n].summary)
	}
	fmt.Fprint(w, `
FILE may be a file, a quoted glob ('data/*.gz'), a directory (its data files,
TFX Split-* folders included), a shard pattern (out@10, out-?????-of-00010)
or - for standard input.

Exit status: 0 ok, 1 bad data, 2 usage error.
Run 'inspect help COMMAND' for the flags and examples of a command.
`)
}

func version() string {
	if v := os.Getenv("GOBSL_VERSION"); v != "" {
		return v
	}
	return buildVersion()
}
