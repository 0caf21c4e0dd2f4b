package report

import (
	"fmt"
	"strings"
	"time"

	"rmqsim/explain"
	"rmqsim/history"
)

// program is one run (incarnation) of a client program, producer or
// consumer, as its history shows it: which nameserver its client asked
// first — a new Java client shuffles its nameserver list and starts at a
// random index (facts §3.4), the choice that splits the seeds — and how
// the program ended.
type program struct {
	proc string
	// name is the program's name; a later incarnation of the same
	// process gets " (restarted)".
	name     string
	step     string
	producer bool
	start    time.Duration
	// firstNS is the host of the nameserver the client chose first (its
	// first NSAttach), "" if it never chose one; firstNSDown says whether
	// that nameserver was down at that moment.
	firstNS     string
	firstNSDown bool
	// intended, acked and failed count a producer's messages: meant,
	// SEND_OK, and send() calls that threw or returned another status.
	intended, acked, failed int
	// exit is how the program ended (ProgramExit: "done", "abort", "start
	// failed"), "" if it did not end by itself; exitErr the exception.
	exit, exitErr string
	// startErr is the exception a consumer's start() threw (§5.1).
	startErr string
}

// programs lists the client programs' incarnations in start order.
func (ev *evidence) programs() []program {
	isProgram := map[string]bool{}
	for _, rec := range ev.h.AllOf(history.ClientStart, history.Intend) {
		if r := &rec; r.Kind == history.ClientStart || r.Kind == history.Intend {
			isProgram[r.Proc] = true
		}
	}
	var out []program
	current := map[string]int{}
	runs := map[string]int{}
	for _, rec := range ev.h.All() {
		r := &rec
		if !isProgram[r.Proc] {
			continue
		}
		if r.Kind == history.ProcStart {
			name := programName(r.Proc)
			if runs[r.Proc] > 0 {
				name += " (restarted)"
			}
			runs[r.Proc]++
			current[r.Proc] = len(out)
			out = append(out, program{proc: r.Proc, name: name, start: r.At, step: ev.stepAt(r.At)})
			continue
		}
		j, ok := current[r.Proc]
		if !ok {
			continue
		}
		ev.notePrograms(&out[j], r)
	}
	ev.countIntended(out)
	return out
}

// notePrograms adds one record of the program's process to what is
// known of its current incarnation.
func (ev *evidence) notePrograms(p *program, r *history.Record) {
	switch r.Kind {
	case history.NSAttach:
		if p.firstNS == "" {
			p.firstNS = hostOnly(r.NameServer)
			p.firstNSDown = ev.hostDown(p.firstNS, r.At)
		}
	case history.SendCall:
		p.producer = true
	case history.SendReturn:
		if r.Status == "SEND_OK" {
			p.acked++
		} else {
			p.failed++
		}
	case history.ClientStart:
		p.producer = p.producer || r.Detail == "producer"
		p.startErr = r.Err
	case history.ProgramExit:
		p.exit, p.exitErr = r.Detail, r.Err
	}
}

// countIntended gives each producer incarnation the messages meant for
// it: an Intend record belongs to the first run of its process that
// started at or after the intended start.
func (ev *evidence) countIntended(ps []program) {
	for _, rec := range ev.h.AllOf(history.Intend) {
		r := &rec
		if r.Kind != history.Intend {
			continue
		}
		for j := range ps {
			if ps[j].proc == r.Proc && ps[j].start >= r.Start {
				ps[j].intended++
				ps[j].producer = true
				break
			}
		}
	}
}

// stepAt is the step whose span holds t, "" if none.
func (ev *evidence) stepAt(t time.Duration) string {
	name := ""
	for _, s := range ev.res.Steps {
		if ev.stepWindow(s.Name).contains(t) {
			name = s.Name
		}
	}
	return name
}

// hostDown reports whether the nameserver or broker host was down at t.
func (ev *evidence) hostDown(host string, t time.Duration) bool {
	for _, n := range ev.nodes {
		if n.Host == host && (n.Role == explain.RoleNameServer || n.Broker != "") {
			return outageAt(n, t) != nil
		}
	}
	return false
}

// programName is the program part of a "<host>/<program>" process name.
func programName(proc string) string {
	if _, name, ok := strings.Cut(proc, "/"); ok {
		return name
	}
	return proc
}

// choice says which nameserver the program asked first.
func (p *program) choice() string {
	switch {
	case p.firstNS == "":
		return "asked no nameserver"
	case p.firstNSDown:
		return "asked " + p.firstNS + " first (down)"
	}
	return "asked " + p.firstNS + " first (up)"
}

// outcome says how the program ended.
func (p *program) outcome() string {
	if !p.producer {
		if p.startErr != "" {
			return "start() threw " + exceptionClass(p.startErr)
		}
		return "start() returned"
	}
	switch {
	case p.exit == "abort" && p.acked == 0:
		return "aborted at its first send(): " + exceptionClass(p.exitErr)
	case p.exit == "abort":
		return fmt.Sprintf("sent %s, then aborted: %s", num(p.acked), exceptionClass(p.exitErr))
	case p.exit == "done" && p.acked == p.intended:
		return "sent all " + num(p.intended)
	case p.exit == "done":
		return fmt.Sprintf("sent %s of %s", num(p.acked), num(p.intended))
	}
	return fmt.Sprintf("had sent %s of %s when it stopped", num(p.acked), num(p.intended))
}

// exceptionClass is the simple class name of the exception an error text
// starts with ("java.lang.IllegalStateException: …" → IllegalStateException).
func exceptionClass(err string) string {
	head, _, _ := strings.Cut(err, ":")
	head = strings.TrimSpace(head)
	if i := strings.LastIndex(head, "."); i >= 0 {
		head = head[i+1:]
	}
	if head == "" {
		return "an exception"
	}
	return head
}

// hostOnly is an address's host: "ns-a:9876" → "ns-a".
func hostOnly(addr string) string {
	host, _, _ := strings.Cut(addr, ":")
	return host
}

// outageAt is the node's outage covering t, or nil.
func outageAt(n explain.NodeTimeline, t time.Duration) *explain.Outage {
	for i := range n.Outages {
		if o := &n.Outages[i]; o.From <= t && (t < o.To || o.Ongoing) {
			return o
		}
	}
	return nil
}
