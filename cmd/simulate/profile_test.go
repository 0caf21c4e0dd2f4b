package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProfiles: SIMULATE_CPUPROFILE and SIMULATE_MEMPROFILE write their
// profiles around a command; a file that cannot be created is reported
// and the command still runs.
func TestProfiles(t *testing.T) {
	dir := t.TempDir()
	cpu, mem := filepath.Join(dir, "cpu.prof"), filepath.Join(dir, "mem.prof")
	t.Setenv("SIMULATE_CPUPROFILE", cpu)
	t.Setenv("SIMULATE_MEMPROFILE", mem)
	var stderr bytes.Buffer
	stop := startProfiles(&stderr)
	if code := run([]string{"list"}, &bytes.Buffer{}, &stderr); code != exitOK {
		t.Fatalf("list: exit %d: %s", code, stderr.String())
	}
	stop()
	for _, f := range []string{cpu, mem} {
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v (size %v)", f, err, st)
		}
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr: %s", stderr.String())
	}

	t.Setenv("SIMULATE_CPUPROFILE", filepath.Join(dir, "no", "such", "dir", "cpu.prof"))
	t.Setenv("SIMULATE_MEMPROFILE", "")
	stderr.Reset()
	stop = startProfiles(&stderr)
	code := run([]string{"list"}, &bytes.Buffer{}, &stderr)
	stop()
	if code != exitOK || !strings.Contains(stderr.String(), "SIMULATE_CPUPROFILE") {
		t.Errorf("unwritable profile: exit %d, stderr %q", code, stderr.String())
	}
}
