package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// reviewScenario is the shipped review's scenario, small enough for
// tests at a few seeds.
const reviewScenario = "../../reviews/failover-cluster.yaml"

// sweepArgs is a small sweep: one variant, a two-value grid, 3 seeds.
func sweepArgs(out string, extra ...string) []string {
	return append([]string{"sweep", reviewScenario, "-variant", "ns-kill",
		"-grid", "producer.sendMsgTimeout=1s,10s", "-seeds", "1..3", "-out", out}, extra...)
}

// readTree reads every file under dir by its relative path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameTree(t *testing.T, what string, want, got map[string][]byte) {
	t.Helper()
	for name, w := range want {
		if g, ok := got[name]; !ok {
			t.Errorf("%s: no %s", what, name)
		} else if !bytes.Equal(w, g) {
			t.Errorf("%s: %s differs from the unsharded sweep's", what, name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: extra file %s", what, name)
		}
	}
}

// TestSweepShardsMergeByteIdentical: for N = 1, 2, 3 shards (and with a
// different number of workers), simulate merge gives exactly the files
// of the unsharded sweep.
func TestSweepShardsMergeByteIdentical(t *testing.T) {
	root := t.TempDir()
	whole := filepath.Join(root, "whole")
	if code, _, stderr := simulate(t, sweepArgs(whole, "-workers", "2")...); code != exitOK {
		t.Fatalf("sweep: exit %d: %s", code, stderr)
	}
	want := readTree(t, whole)
	for _, f := range []string{"sweep.json", "shard.json", "runs.jsonl", "summary.json", "REPORT.md", "report.html"} {
		if len(want[f]) == 0 {
			t.Fatalf("the sweep wrote no %s", f)
		}
	}
	if n := bytes.Count(want["runs.jsonl"], []byte("\n")); n != 9 {
		t.Fatalf("runs.jsonl has %d lines, want 3 points × 3 seeds = 9", n)
	}
	for n := 1; n <= 3; n++ {
		var dirs []string
		for i := range n {
			d := filepath.Join(root, fmt.Sprintf("n%d-s%d", n, i))
			dirs = append(dirs, d)
			if code, _, stderr := simulate(t, sweepArgs(d, "-shard", fmt.Sprintf("%d/%d", i, n), "-workers", "1")...); code != exitOK {
				t.Fatalf("shard %d/%d: exit %d: %s", i, n, code, stderr)
			}
		}
		merged := filepath.Join(root, fmt.Sprintf("merged-%d", n))
		// Shards given in reverse order: the merge orders by run.
		rev := make([]string, len(dirs))
		for i, d := range dirs {
			rev[len(dirs)-1-i] = d
		}
		if code, _, stderr := simulate(t, append([]string{"merge", "-out", merged}, rev...)...); code != exitOK {
			t.Fatalf("merge of %d: exit %d: %s", n, code, stderr)
		}
		sameTree(t, fmt.Sprintf("merge of %d shards", n), want, readTree(t, merged))
	}
}

// TestSweepBadInput: each bad input is one clear line and exit 2.
func TestSweepBadInput(t *testing.T) {
	root := t.TempDir()
	other := filepath.Join(root, "other")
	if code, _, stderr := simulate(t, "sweep", reviewScenario, "-variant", "ns-kill", "-seeds", "1..1", "-shard", "0/2", "-out", other); code != exitOK {
		t.Fatalf("other sweep: exit %d: %s", code, stderr)
	}
	s0 := filepath.Join(root, "s0")
	if code, _, stderr := simulate(t, sweepArgs(s0, "-shard", "0/2")...); code != exitOK {
		t.Fatalf("shard 0/2: exit %d: %s", code, stderr)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown grid key", []string{"sweep", reviewScenario, "-grid", "producer.noSuchKey=1,2", "-out", root + "/x"}, "producer.noSuchKey"},
		{"empty grid value", []string{"sweep", reviewScenario, "-grid", "producer.sendMsgTimeout=1s,", "-out", root + "/x"}, "empty value"},
		{"bad grid value", []string{"sweep", reviewScenario, "-grid", "producer.sendMsgTimeout=soon", "-out", root + "/x"}, "soon"},
		{"seeds 5..1", []string{"sweep", reviewScenario, "-seeds", "5..1", "-out", root + "/x"}, "empty"},
		{"shard 3/3", []string{"sweep", reviewScenario, "-shard", "3/3", "-out", root + "/x"}, "3/3"},
		{"unknown variant", []string{"sweep", reviewScenario, "-variant", "nope", "-seeds", "1..1", "-out", root + "/x"}, "nope"},
		{"unknown metric", []string{"sweep", reviewScenario, "-metric", "runs.nope", "-out", root + "/x"}, "runs.nope"},
		{"unknown knob value", []string{"sweep", reviewScenario, "-grid", "without=no-such-fault", "-seeds", "1..1", "-out", root + "/x"}, "no-such-fault"},
		{"foreign shard", []string{"merge", "-out", root + "/m", s0, other}, "another sweep"},
		{"missing shard", []string{"merge", "-out", root + "/m", s0}, "missing shard 1/2"},
		{"duplicated shard", []string{"merge", "-out", root + "/m", s0, s0}, "given twice"},
		{"not a shard folder", []string{"merge", "-out", root + "/m", root}, "not a shard folder"},
		{"review unknown field", []string{"sweep", "-spec", writeFile(t, "r.yaml", "name: r\nscenario: "+reviewScenario+"\nseeds: 1..2\ngridz: []\n"), "-out", root + "/x"}, "r.yaml:4: gridz: unknown field"},
		{"review bad grid key", []string{"sweep", "-spec", writeFile(t, "r.yaml", "name: r\nscenario: "+reviewScenario+"\nseeds: 1..2\ngrids:\n  - vary: {client.nope: [1s]}\n"), "-out", root + "/x"}, "r.yaml:5: grids[0].vary.client.nope"},
		{"review bad seeds", []string{"sweep", "-spec", writeFile(t, "r.yaml", "name: r\nscenario: "+reviewScenario+"\nseeds: 5..1\n"), "-out", root + "/x"}, "r.yaml:3: seeds"},
		{"compare bad side", []string{"compare", reviewScenario, "-b", "producer.sendMsgTimeout", "-seeds", "1..1"}, "want key=value"},
		{"compare unknown fault", []string{"compare", reviewScenario, "-variant", "ns-kill", "-b", "without=nope", "-seeds", "1..1"}, "nope"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := simulate(t, c.args...)
			if code != exitBadInput {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitBadInput, stderr)
			}
			if !strings.Contains(stderr, c.want) {
				t.Errorf("stderr does not name %q:\n%s", c.want, stderr)
			}
			if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine") {
				t.Errorf("stderr looks like a crash:\n%s", stderr)
			}
		})
	}
}

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
