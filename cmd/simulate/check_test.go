package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkSpace is a two-nameserver space over modelcheck's tiny base with
// the given expectation for never-sent.
func checkSpace(t *testing.T, expect string) string {
	t.Helper()
	base, _ := filepath.Abs("../../modelcheck/testdata/tiny-base.yaml")
	return writeScenario(t, fmt.Sprintf(`name: cli
scenario: %s
depth: 1
moments:
  - {name: a, at: 70s}
alphabet:
  - {kinds: [kill], targets: nameservers}
properties:
  - {name: never-sent, metric: runs.never_sent, expect: %s}
`, filepath.ToSlash(base), expect))
}

func TestCheckExitStatus(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := simulate(t, "check", checkSpace(t, "held"), "-out", dir, "-workers", "2")
	if code != exitOK || !strings.Contains(out, "never-sent: held over all 3 schedules of ≤ 1 faults") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	code, _, errOut = simulate(t, "check", checkSpace(t, "fails"), "-out", t.TempDir())
	if code != exitExpect || !strings.Contains(errOut, "never-sent: expected fails, got held") {
		t.Errorf("a claim other than the expected one: exit %d, %s", code, errOut)
	}
	for _, f := range []string{"space.json", "runs.jsonl", "shard.json", "summary.json", "REPORT.md"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("no %s: %v", f, err)
		}
	}
}

func TestCheckBadInputExits2(t *testing.T) {
	bad := strings.Replace(readFile(t, checkSpace(t, "held")), "targets: nameservers", "targets: [ns7]", 1)
	p := writeScenario(t, bad)
	code, _, errOut := simulate(t, "check", p, "-out", t.TempDir())
	if code != exitBadInput || !strings.Contains(errOut, p+`:7: alphabet[0].targets[0]: no host "ns7"`) {
		t.Errorf("exit %d, stderr %s", code, errOut)
	}
	for _, args := range [][]string{
		{"check", checkSpace(t, "held")},                                       // no -out
		{"check", checkSpace(t, "held"), "-out", t.TempDir(), "-shard", "2/2"}, // no such shard
		{"check", "-merge", "-out", t.TempDir(), t.TempDir()},                  // not a shard folder
	} {
		if code, _, errOut := simulate(t, args...); code != exitBadInput {
			t.Errorf("%v: exit %d (%s), want 2", args, code, errOut)
		}
	}
}

func TestCheckMergeEqualsUnsharded(t *testing.T) {
	space := checkSpace(t, "held")
	root := t.TempDir()
	whole := filepath.Join(root, "whole")
	if code, _, errOut := simulate(t, "check", space, "-out", whole); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var shards []string
	for i := range 2 {
		d := filepath.Join(root, fmt.Sprintf("s%d", i))
		if code, _, errOut := simulate(t, "check", space, "-out", d, "-shard", fmt.Sprintf("%d/2", i), "-workers", "1"); code != exitOK {
			t.Fatalf("shard %d: exit %d: %s", i, code, errOut)
		}
		shards = append(shards, d)
	}
	merged := filepath.Join(root, "merged")
	if code, _, errOut := simulate(t, append([]string{"check", "-merge", "-out", merged}, shards...)...); code != exitOK {
		t.Fatalf("merge: exit %d: %s", code, errOut)
	}
	for _, f := range []string{"space.json", "runs.jsonl", "shard.json", "summary.json", "REPORT.md"} {
		if a, b := readFile(t, filepath.Join(whole, f)), readFile(t, filepath.Join(merged, f)); !bytes.Equal([]byte(a), []byte(b)) {
			t.Errorf("%s differs between the merge and the unsharded check", f)
		}
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
