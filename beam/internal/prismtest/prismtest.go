// Package prismtest runs the pipelines of tests on Beam's Prism runner, in
// process, inside a private network namespace.
//
// Prism's job server listens on every interface. [Main] therefore runs
// the test binary again in a new network namespace whose only interface
// is the loopback, brought up, so that the job server, the workers and
// their gRPC streams reach nothing but each other. It needs root, or
// unprivileged user namespaces; where neither is available (or off
// Linux) the pipeline tests skip, unless GOBSL_BEAM_ALLOW_NETWORK=1 lets
// them run without the namespace.
package prismtest

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
)

const (
	envIsolated     = "GOBSL_BEAM_NETNS"         // set in the re-run test binary
	envAllowNetwork = "GOBSL_BEAM_ALLOW_NETWORK" // run without a namespace
)

// why is the reason pipeline tests skip, "" when they run.
var why string

// Main runs the package's tests, those that call Run inside a private
// network namespace. Call it from TestMain.
func Main(m *testing.M) {
	if !flag.Parsed() {
		flag.Parse()
	}
	switch {
	case os.Getenv(envIsolated) == "1":
		if err := loopbackUp(); err != nil {
			fmt.Fprintf(os.Stderr, "prismtest: bringing up the loopback interface: %v\n", err)
			os.Exit(1)
		}
	case os.Getenv(envAllowNetwork) == "1":
	default:
		attr, err := isolated()
		if err != nil {
			why = fmt.Sprintf("no private network namespace (%v); set %s=1 to run Prism anyway", err, envAllowNetwork)
			break
		}
		cmd := exec.Command("/proc/self/exe", os.Args[1:]...)
		cmd.Args[0] = os.Args[0]
		cmd.Env = append(os.Environ(), envIsolated+"=1")
		cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
		cmd.SysProcAttr = attr
		err = cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok {
			os.Exit(ee.ExitCode())
		}
		if err == nil {
			os.Exit(0)
		}
		why = fmt.Sprintf("no private network namespace (%v); set %s=1 to run Prism anyway", err, envAllowNetwork)
	}
	beam.Init()
	os.Exit(m.Run())
}

// Run runs p on Prism and fails t if it fails. It skips t when Main could
// not isolate the tests, and checks that the namespace has no interface
// but the loopback.
func Run(t testing.TB, p *beam.Pipeline) beam.PipelineResult {
	t.Helper()
	if why != "" {
		t.Skip("prismtest: " + why)
	}
	if os.Getenv(envIsolated) == "1" {
		ifs, err := net.Interfaces()
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range ifs {
			if i.Flags&net.FlagLoopback == 0 {
				t.Fatalf("prismtest: interface %s is reachable in the test's network namespace", i.Name)
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	res, err := prism.Execute(ctx, p)
	if err != nil {
		t.Fatalf("pipeline failed: %v", err)
	}
	return res
}
