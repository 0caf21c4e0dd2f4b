package app

import (
	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/model/client"
	"rmqsim/sim"
)

// ConsumerProgram is the application around a DefaultMQPushConsumer (the
// field report's consumer): subscribe, register a concurrent listener,
// start(), and keep running.
type ConsumerProgram struct {
	p        *sim.Process
	env      *model.Env
	spec     model.ConsumerProgramSpec
	consumer *client.PushConsumer
	// StartErr is the exception start() threw (nil if none).
	StartErr *client.Exception
}

// StartConsumer runs the program on p. The listener takes ConsumeTime per
// message and returns RECONSUME_LATER with probability FailureRate (drawn
// from the process's stream), else CONSUME_SUCCESS.
//
// A start() exception is recorded (ClientStart with Err) and the program
// keeps the consumer object and stays up, like a Java main that does not
// catch it: the exception kills the main thread, but the client's
// non-daemon threads keep the JVM — and the consumer, which is RUNNING
// with its timers alive — going (facts §5.1). A Go program cannot keep
// its consumer (Start shut it down, §8): it prints the error and exits
// (ProgramExit "start failed").
func StartConsumer(p *sim.Process, env *model.Env, spec model.ConsumerProgramSpec) *ConsumerProgram {
	cp := &ConsumerProgram{p: p, env: env, spec: spec}
	sub := spec.SubExpression
	if sub == "" {
		sub = "*"
	}
	cp.consumer = client.NewPushConsumer(client.NewInstance(p, env), spec.Group, cp.listen)
	cp.consumer.Subscribe(spec.Topic, sub)
	cp.consumer.Start(func(ex *client.Exception) {
		cp.StartErr = ex
		rec := history.Record{Kind: history.ClientStart, Group: spec.Group, Topic: spec.Topic, Detail: "consumer"}
		if ex != nil {
			rec.Err = ex.String()
		}
		cp.record(rec)
		if ex != nil && env.Cfg.Client.Profile == client.ProfileGo {
			cp.record(history.Record{Kind: history.ProgramExit, Detail: "start failed", Err: ex.String()})
			p.Exit()
		}
	})
	return cp
}

// Consumer is the program's push consumer.
func (cp *ConsumerProgram) Consumer() *client.PushConsumer { return cp.consumer }

func (cp *ConsumerProgram) record(r history.Record) {
	r.Proc = cp.p.Name()
	cp.env.Rec.Add(r)
}

func (cp *ConsumerProgram) listen(m *model.MessageExt, done func(string)) {
	status := client.ConsumeSuccess
	if cp.spec.FailureRate > 0 && cp.p.Rand().Float64() < cp.spec.FailureRate {
		status = client.ReconsumeLater
	}
	if cp.spec.ConsumeTime <= 0 {
		done(status)
		return
	}
	cp.p.After(cp.spec.ConsumeTime, "", func() { done(status) })
}
