package page

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// browser finds a headless-capable Chromium (Debian's chromium package,
// which .ci/run installs when it can).
func browser() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestHTMLOpensFromDiskInHeadlessChromium: a real browser loads the page
// from a file:// address with every network request refused, and the
// document it builds has the table of contents, the sections, the inline
// plot and the collapsible details.
func TestHTMLOpensFromDiskInHeadlessChromium(t *testing.T) {
	bin := browser()
	if bin == "" {
		t.Skip("no chromium on PATH (Debian: apt-get install chromium); the page's self-containedness is still checked by TestHTMLSelfContained")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "report.html")
	if err := os.WriteFile(path, HTML(sample()), 0o644); err != nil {
		t.Fatal(err)
	}
	dom := dumpDOM(t, bin, path)
	for _, want := range []string{`<nav class="toc">`, `<section id="findings">`, `<section id="sub-one">`, "<svg", "<figcaption>plot</figcaption>", "<details>", "<td class=\"num\">1</td>"} {
		if !strings.Contains(dom, want) {
			t.Errorf("the browser's document has no %q", want)
		}
	}
}

// dumpDOM loads a file in headless Chromium with every network request
// refused and returns the document it built.
func dumpDOM(t *testing.T, bin, path string) string {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--user-data-dir="+filepath.Join(t.TempDir(), "profile"),
		"--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
		"--dump-dom", "file://"+abs)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v", bin, path, err)
	}
	return string(out)
}

// TestShippedReportsOpenInHeadlessChromium: the report.html files make
// run writes open from disk in a real browser, with their plots inline.
func TestShippedReportsOpenInHeadlessChromium(t *testing.T) {
	bin := browser()
	if bin == "" {
		t.Skip("no chromium on PATH (Debian: apt-get install chromium)")
	}
	files, err := filepath.Glob("../results/*/report.html")
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob("../results/*/*/report.html")
	files = append(files, more...)
	if len(files) == 0 {
		t.Fatal("no report.html under results/: run make run")
	}
	for _, f := range files {
		dom := dumpDOM(t, bin, f)
		if !strings.Contains(dom, `<nav class="toc">`) || !strings.Contains(dom, "<svg") || strings.Count(dom, "<section") < 3 {
			t.Errorf("%s: the browser's document lacks its contents, sections or inline plots", f)
		}
	}
}
