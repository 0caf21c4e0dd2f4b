package sim

import (
	"bytes"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"
)

// TestGolden runs the kernel scripts in testdata/*.txt; each command's
// expected output is the trace it produced. Regenerate with
// `go test ./sim -run TestGolden -rewrite`, then read the diff.
//
// Commands (hosts are names, processes "<host>/<service>"):
//
//	world seed=N                      a new world
//	host a b ...                      add hosts
//	server on=H [port=80] [silent]    start service "server" (replies "re: <msg>")
//	client on=H                       start idle service "client"
//	dial from=P to=ADDR [timeout=3s]
//	call from=P conn=N msg=M [timeout=3s]
//	send from=P conn=N msg=M
//	close from=P conn=N
//	kill P | stop P [grace=D] | start P
//	power-off H | power-on H [boot=D] | net-down H | net-up H
//	shutdown-orderly H [grace=D] [delay=D] | shutdown-network-first H [delay=D]
//	partition left=(H,...) right=(H,...) | block from=H to=H | heal
//	link from=H to=H latency=D [loss=F]
//	run for=D | run-until t=D
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts in testdata: %v", err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			g := &golden{}
			datadriven.RunTest(t, path, g.do)
		})
	}
}

// golden is one script's world; app lines (what the client code sees)
// are traced with kind "app".
type golden struct {
	w    *World
	out  bytes.Buffer
	ends []*End
}

func (g *golden) do(t *testing.T, d *datadriven.TestData) string {
	if d.Cmd != "world" && g.w == nil {
		d.Fatalf(t, "the script must start with world")
	}
	switch d.Cmd {
	case "world":
		var seed uint64
		d.ScanArgs(t, "seed", &seed)
		g.w = NewWorld(Config{Seed: seed, Horizon: 10 * time.Hour})
		g.w.SetTraceWriter(&g.out)
		g.ends = nil
	case "host":
		for _, a := range d.CmdArgs {
			g.w.AddHost(a.Key)
		}
	case "server":
		g.server(t, d)
	case "client":
		h := g.host(t, d, g.str(t, d, "on"))
		h.AddService("client", func(*Process) {})
		h.Start("client")
	case "dial":
		g.dial(t, d)
	case "call", "send", "close":
		g.write(t, d)
	case "run":
		g.w.RunUntil(g.w.Now().Add(g.dur(t, d, "for", 0)))
	case "run-until":
		g.w.RunUntil(Time(g.dur(t, d, "t", 0)))
	default:
		g.fault(t, d)
	}
	s := g.out.String()
	g.out.Reset()
	return s
}

func (g *golden) fault(t *testing.T, d *datadriven.TestData) {
	n := g.w.Net()
	switch d.Cmd {
	case "kill", "stop", "start":
		host, svc, _ := strings.Cut(g.first(t, d), "/")
		h := g.host(t, d, host)
		switch d.Cmd {
		case "kill":
			h.Kill(svc)
		case "stop":
			h.Stop(svc, g.dur(t, d, "grace", time.Second))
		case "start":
			h.Start(svc)
		}
	case "power-off":
		g.host(t, d, g.first(t, d)).PowerOff()
	case "power-on":
		g.host(t, d, g.first(t, d)).PowerOn(g.dur(t, d, "boot", 0))
	case "net-down", "net-up":
		g.host(t, d, g.first(t, d)).SetNetUp(d.Cmd == "net-up")
	case "shutdown-orderly":
		g.host(t, d, g.first(t, d)).ShutdownOrderly(g.dur(t, d, "grace", time.Second), g.dur(t, d, "delay", time.Second))
	case "shutdown-network-first":
		g.host(t, d, g.first(t, d)).ShutdownNetworkFirst(g.dur(t, d, "delay", time.Second))
	case "partition":
		left, _ := d.Arg("left")
		right, _ := d.Arg("right")
		n.Partition(left.Vals, right.Vals)
	case "block":
		n.Block(g.str(t, d, "from"), g.str(t, d, "to"))
	case "heal":
		n.Heal()
	case "link":
		var loss float64
		d.MaybeScanArgs(t, "loss", &loss)
		lat := g.dur(t, d, "latency", 0)
		n.SetLink(g.str(t, d, "from"), g.str(t, d, "to"), Link{Latency: Latency{Min: lat, Max: lat}, Loss: loss})
	default:
		d.Fatalf(t, "unknown command %q", d.Cmd)
	}
}

func (g *golden) server(t *testing.T, d *datadriven.TestData) {
	h := g.host(t, d, g.str(t, d, "on"))
	port := "80"
	d.MaybeScanArgs(t, "port", &port)
	silent := d.HasArg("silent")
	h.AddService("server", func(p *Process) {
		p.Listen(port, func(e *End) {
			g.ends = append(g.ends, e)
			e.Handle(func(in *Inbound) {
				if in.IsRequest() && !silent {
					in.Reply(text("re: " + string(in.Msg.(text))))
				}
			}, nil)
		})
	})
	h.Start("server")
}

func (g *golden) dial(t *testing.T, d *datadriven.TestData) {
	p := g.proc(t, d, g.str(t, d, "from"))
	p.Dial(g.str(t, d, "to"), g.dur(t, d, "timeout", 3*time.Second), func(e *End, err error) {
		if err == nil {
			g.ends = append(g.ends, e)
		}
	})
}

// write runs call, send or close on the end of process "from" with
// connection number "conn", tracing what the application sees.
func (g *golden) write(t *testing.T, d *datadriven.TestData) {
	p := g.proc(t, d, g.str(t, d, "from"))
	var id uint64
	d.ScanArgs(t, "conn", &id)
	var e *End
	for _, x := range g.ends {
		if x.Process() == p && x.ConnID() == id {
			e = x
		}
	}
	if e == nil {
		d.Fatalf(t, "%s has no connection c%d", p.Name(), id)
	}
	c := "c" + strconv.FormatUint(id, 10) + " "
	switch d.Cmd {
	case "close":
		e.Close()
	case "send":
		msg := g.str(t, d, "msg")
		res := "written"
		if err := e.Send(text(msg)); err != nil {
			res = "error: " + errName(err)
		}
		p.Trace("app", c+"send "+msg+": "+res)
	case "call":
		msg := g.str(t, d, "msg")
		timeout := g.dur(t, d, "timeout", 3*time.Second)
		p.Trace("app", c+"call "+msg+" timeout="+timeout.String())
		e.Call(text(msg), timeout, func(m Message, err error) {
			if err != nil {
				p.Trace("app", c+"call "+msg+": error: "+errName(err))
				return
			}
			p.Trace("app", c+"call "+msg+": reply "+strconv.Quote(string(m.(text))))
		})
	}
}

// errName names the kernel's errors as Go code does, so a reader of the
// transcript sees which sentinel the application got.
func errName(err error) string {
	switch err {
	case ErrTimeout:
		return "ErrTimeout"
	case ErrClosed:
		return "ErrClosed"
	}
	return err.Error()
}

func (g *golden) first(t *testing.T, d *datadriven.TestData) string {
	if len(d.CmdArgs) == 0 {
		d.Fatalf(t, "%s needs an argument", d.Cmd)
	}
	return d.CmdArgs[0].Key
}

func (g *golden) str(t *testing.T, d *datadriven.TestData, key string) string {
	var s string
	d.ScanArgs(t, key, &s)
	return s
}

func (g *golden) dur(t *testing.T, d *datadriven.TestData, key string, def time.Duration) time.Duration {
	var s string
	if !d.MaybeScanArgs(t, key, &s) {
		return def
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		d.Fatalf(t, "%s: %v", key, err)
	}
	return v
}

func (g *golden) host(t *testing.T, d *datadriven.TestData, name string) *Host {
	h := g.w.Host(name)
	if h == nil {
		d.Fatalf(t, "no host %q", name)
	}
	return h
}

func (g *golden) proc(t *testing.T, d *datadriven.TestData, name string) *Process {
	host, svc, _ := strings.Cut(name, "/")
	p := g.host(t, d, host).Proc(svc)
	if p == nil {
		d.Fatalf(t, "no process %q", name)
	}
	return p
}
