package main

import (
	"os/exec"
	"strings"
	"testing"
)

func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		code, out, errOut := runCLI(t, "", nil, "completion", shell)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", shell, code, errOut)
		}
		flag := "--record-type"
		if shell == "fish" {
			flag = "-l record-type"
		}
		for _, want := range []string{"convert", "verify", flag} {
			if !strings.Contains(out, want) {
				t.Errorf("%s script lacks %q", shell, want)
			}
		}
		if shell == "bash" {
			if bash, err := exec.LookPath("bash"); err == nil {
				cmd := exec.Command(bash, "-n")
				cmd.Stdin = strings.NewReader(out)
				if msg, err := cmd.CombinedOutput(); err != nil {
					t.Errorf("bash -n: %v: %s", err, msg)
				}
			}
		}
	}
	if code, _, _ := runCLI(t, "", nil, "completion", "tcsh"); code != exitUsage {
		t.Errorf("unknown shell: exit %d, want 2", code)
	}
}
