package app

import (
	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/model/client"
	"rmqsim/sim"
)

// ProducerProgram is the application around a DefaultMQProducer (the
// field report's producer, seed-experiment.md): start, send Count
// messages, shut down, exit.
type ProducerProgram struct {
	p        *sim.Process
	env      *model.Env
	spec     model.ProducerProgramSpec
	producer *client.Producer
	mode     client.Mode
	next     int
	retries  int
	pending  int
	looped   bool
	ended    bool
}

// StartProducer runs the program on p (one incarnation of its service).
//
// Each message i gets a SendCall record (Key = body, Index = i) when
// send() is called. On an exception OnError decides: "abort" ends the loop
// and the program (the field report's loop has no try/catch; ProgramExit
// Detail "abort" with the exception text in Err), "linger" ends the loop
// but leaves the JVM running (see exit), "continue" goes on with
// the next message, "retry" resends the same message after RetryBackoff,
// at most MaxRetries times, then goes on. Sends are back to back (the next
// starts when send() returns) or one every Interval. Async sends return
// at once; the program then waits for every callback (a CountDownLatch)
// before shutdown(); an async exception can only "continue". After the
// loop: shutdown(), ProgramExit "done", and the process exits.
func StartProducer(p *sim.Process, env *model.Env, spec model.ProducerProgramSpec) *ProducerProgram {
	pp := &ProducerProgram{p: p, env: env, spec: spec, mode: client.ParseMode(spec.Mode), next: spec.FirstIndex}
	pp.producer = client.NewProducer(client.NewInstance(p, env), spec.Group)
	pp.producer.Start(func() {
		pp.record(history.Record{Kind: history.ClientStart, Group: spec.Group, Detail: "producer"})
		pp.sendNext()
	})
	return pp
}

// Producer is the program's producer.
func (pp *ProducerProgram) Producer() *client.Producer { return pp.producer }

func (pp *ProducerProgram) record(r history.Record) {
	r.Proc = pp.p.Name()
	pp.env.Rec.Add(r)
}

func (pp *ProducerProgram) last() int { return pp.spec.FirstIndex + pp.spec.Count }

// sendNext sends message pp.next, or ends the loop.
func (pp *ProducerProgram) sendNext() {
	if pp.ended || !pp.p.Alive() {
		return
	}
	if pp.next >= pp.last() {
		pp.looped = true
		pp.maybeExit()
		return
	}
	i := pp.next
	body := pp.spec.Body(i)
	pp.record(history.Record{Kind: history.SendCall, Key: body, Index: i, Topic: pp.spec.Topic, Group: pp.spec.Group})
	msg := model.Message{Topic: pp.spec.Topic, Tags: pp.spec.Tags, Body: body}
	started := pp.p.Now()
	if pp.mode == client.Async {
		pp.pending++
		pp.producer.Send(msg, client.Async, i, func(_ *client.SendResult, _ *client.Exception) {
			pp.pending--
			pp.maybeExit()
		})
		pp.next++
		pp.after(started, pp.sendNext)
		return
	}
	pp.producer.Send(msg, pp.mode, i, func(_ *client.SendResult, ex *client.Exception) {
		if ex == nil {
			pp.retries = 0
			pp.next++
			pp.after(started, pp.sendNext)
			return
		}
		switch pp.spec.OnError {
		case "continue":
			pp.next++
			pp.after(started, pp.sendNext)
		case "retry":
			if pp.retries < pp.spec.MaxRetries {
				pp.retries++
				pp.p.After(pp.spec.RetryBackoff, "", pp.sendNext)
				return
			}
			pp.retries = 0
			pp.next++
			pp.after(started, pp.sendNext)
		default: // abort, linger
			pp.exit("abort", ex.String())
		}
	})
}

// after runs fn Interval after started (at once if already past; a zero
// delay is still a new event, so a long loop never deepens the stack).
func (pp *ProducerProgram) after(started sim.Time, fn func()) {
	pp.p.After(max(0, pp.spec.Interval-pp.p.Now().Sub(started)), "", fn)
}

func (pp *ProducerProgram) maybeExit() {
	if pp.looped && pp.pending == 0 {
		pp.exit("done", "")
	}
}

// exit ends the program: after the loop it calls shutdown() first (the
// JVM exits when main returns). An exception skips shutdown(). With
// onError "abort" the process ends there. With "linger" main() has
// thrown but the JVM lives on: MQClientInstance's scheduled thread
// (MQClientFactoryScheduledThread, a plain non-daemon Thread, 4.8.0)
// keeps it running, so the client goes on heartbeating and polling
// routes, registered with the brokers, until the process is killed or
// stopped; it sends nothing more. Either way ProgramExit (Detail
// "abort") marks the end of the program's output, with Index the
// message it stopped at.
func (pp *ProducerProgram) exit(detail, errText string) {
	if pp.ended {
		return
	}
	pp.ended = true
	rec := func() {
		pp.record(history.Record{Kind: history.ProgramExit, Detail: detail, Err: errText, Index: pp.next})
	}
	switch {
	case detail == "abort" && pp.spec.OnError == "linger":
		rec()
		pp.p.Trace("app", "main() threw; the JVM lingers")
	case detail == "abort":
		rec()
		pp.p.Exit()
	default:
		pp.producer.Shutdown(func() { rec(); pp.p.Exit() })
	}
}
