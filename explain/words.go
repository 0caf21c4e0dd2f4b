package explain

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"rmqsim/sim"
)

// at formats a virtual time as the field report's logs do: hh:mm:ss.mmm.
func at(d time.Duration) string { return sim.Time(d).String() }

// age formats a duration to the millisecond ("12.3s", "850ms").
func age(d time.Duration) string { return d.Round(time.Millisecond).String() }

// javaName matches a fully qualified Java class name.
var javaName = regexp.MustCompile(`\b(?:[a-z_][a-z0-9_]*\.)+([A-Z][A-Za-z0-9_]*)`)

// shortErr drops Java package prefixes from an exception text:
// "java.lang.IllegalStateException: org...RemotingConnectException: x"
// becomes "IllegalStateException: RemotingConnectException: x".
func shortErr(err string) string {
	if i := strings.IndexByte(err, '\n'); i >= 0 {
		err = strings.TrimSpace(err[:i]) // RocketMQ appends "\nSee http://rocketmq.apache.org/docs/faq/..."
	}
	if !strings.Contains(err, ".") {
		return err
	}
	return javaName.ReplaceAllString(err, "$1")
}

// errClass is the outermost exception's simple name ("" if none).
func errClass(err string) string {
	s := shortErr(err)
	if i := strings.Index(s, ":"); i > 0 && !strings.Contains(s[:i], " ") {
		return s[:i]
	}
	return ""
}

// digits matches runs of digits, for grouping exception texts that differ
// only in numbers (costs, attempt counts, offsets).
var digits = regexp.MustCompile(`\b[0-9]+\b`)

// errGroup is an exception text normalised for grouping: short class
// names, numbers replaced by N, first line only.
func errGroup(err string) string {
	return digits.ReplaceAllString(shortErr(err), "N")
}

// joinAnd joins words as "a, b and c".
func joinAnd(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// plural is "1 message" / "2 messages".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
