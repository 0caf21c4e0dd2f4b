package explain

import (
	"fmt"
	"strings"
)

// neverSent explains a message the program never called send() for: how
// the run of the program meant to send it ended first.
func (ex *explainer) neverSent(m *message) *verdict {
	if m.intend < 0 {
		return &verdict{code: "unknown-origin", cause: "recorded without an intent or a send() call",
			reason: "a record names it, but no program meant to send it"}
	}
	intent := ex.ix.rec(m.intend)
	name := programName(intent.Proc)
	p := ex.ix.procs[intent.Proc]
	var inc *incarnation
	if p != nil {
		for _, c := range p.incs {
			if ex.ix.rec(c.start).At >= intent.Start {
				inc = c
				break
			}
		}
	}
	if inc == nil {
		text := fmt.Sprintf("program %s never started", name)
		if intent.Start > 0 {
			text += fmt.Sprintf(" (scheduled at %s; the run ended at %s)", at(intent.Start), at(ex.horizon))
		}
		return &verdict{code: "program-never-started", cause: text, reason: text,
			chain: steps{{seq: m.intend, text: text}}}
	}
	v := ex.ends[inc]
	if v == nil {
		v = ex.programEnd(name, inc)
		ex.ends[inc] = v
	}
	return v
}

// programEnd explains how one run of a program ended before sending all
// its messages. Computed once per incarnation.
func (ex *explainer) programEnd(name string, inc *incarnation) *verdict {
	start := ex.ix.rec(inc.start)
	var chain steps
	chain.add(inc.start, fmt.Sprintf("%s program %s started", at(start.At), name))
	if inc.lastCall >= 0 {
		last := ex.ix.message(ex.ix.rec(inc.lastCall).KeyRef)
		sc := ex.callAt(last, inc.lastCall)
		chain.add(inc.lastCall, fmt.Sprintf("its last send() was for %q:", last.key))
		ex.sendChain(&chain, sc)
		if sc.ret >= 0 && inc.programExit >= 0 && ex.ix.rec(sc.ret).Err != "" {
			ret, exit := ex.ix.rec(sc.ret), ex.ix.rec(inc.programExit)
			text := fmt.Sprintf("program %s exited when send() threw %s at %s: %s",
				name, classOr(ret.Err), at(ret.At), ex.failureWhy(sc))
			chain.add(inc.programExit, fmt.Sprintf("%s program %s exited: %s", at(exit.At), name, exitDetail(exit.Detail)))
			return &verdict{code: "program-exited-after-exception", cause: text, reason: text, chain: chain}
		}
	}
	v := &verdict{chain: chain}
	switch {
	case inc.programExit >= 0:
		exit := ex.ix.rec(inc.programExit)
		v.code = "program-exited"
		v.reason = fmt.Sprintf("program %s exited at %s: %s", name, at(exit.At), exitDetail(exit.Detail))
		v.chain.add(inc.programExit, fmt.Sprintf("%s program %s exited: %s", at(exit.At), name, exitDetail(exit.Detail)))
	case inc.procExit >= 0:
		exit := ex.ix.rec(inc.procExit)
		v.code = "program-killed"
		v.reason = fmt.Sprintf("program %s was stopped at %s (%s) before it got to this message",
			name, at(exit.At), exitDetail(exit.Detail))
		v.chain.add(inc.procExit, fmt.Sprintf("%s program %s stopped: %s", at(exit.At), name, exitDetail(exit.Detail)))
	default:
		v.code = "horizon"
		v.reason = fmt.Sprintf("the run ended at %s before program %s got to this message", at(ex.horizon), name)
		v.chain.add(endSeq, fmt.Sprintf("%s the run ended", at(ex.horizon)))
	}
	v.cause = v.reason
	return v
}

// callAt is the send() call of m that record seq started.
func (ex *explainer) callAt(m *message, seq int) sendCall {
	for sc := range ex.sendCalls(m) {
		if sc.call == seq {
			return sc
		}
	}
	panic(fmt.Sprintf("explain: record %d is not a send() call of %q", seq, m.key))
}

// classOr is the exception's class, or its text if it has none.
func classOr(err string) string {
	if c := errClass(err); c != "" {
		return c
	}
	return shortErr(err)
}

func exitDetail(d string) string {
	if strings.TrimSpace(d) == "" {
		return "no reason recorded"
	}
	return d
}
