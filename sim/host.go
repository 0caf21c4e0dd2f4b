package sim

import (
	"fmt"
	"strconv"
	"time"
)

// Host is a machine: up or powered off, with a network interface that can
// go down before the machine does, a disk, and services (named boot
// functions) whose processes run on it.
type Host struct {
	w        *World
	name     string
	up       bool
	netUp    bool
	services []*service
	disk     Disk
	// powerEpoch counts power cycles; timers of the host itself (shutdown
	// sequences) check it.
	powerEpoch int
}

type service struct {
	name   string
	boot   func(p *Process)
	proc   *Process
	inc    int
	manual bool
}

// AddHost adds a powered-on host. Names must be unique.
func (w *World) AddHost(name string) *Host {
	if _, dup := w.hosts[name]; dup {
		panic("sim: duplicate host " + name)
	}
	h := &Host{w: w, name: name, up: true, netUp: true}
	h.disk.init()
	w.hosts[name] = h
	w.order = append(w.order, h)
	return h
}

// Name is the host's name.
func (h *Host) Name() string { return h.name }

// Up reports whether the host is powered on.
func (h *Host) Up() bool { return h.up }

// NetUp reports whether the host is up with its network interface up.
func (h *Host) NetUp() bool { return h.up && h.netUp }

// World is the host's world.
func (h *Host) World() *World { return h.w }

// Disk is the host's disk.
func (h *Host) Disk() *Disk { return &h.disk }

// AddService registers a service: boot runs in every new process of it.
// The service does not start until Start (or a power-on) runs it.
func (h *Host) AddService(name string, boot func(p *Process)) {
	for _, s := range h.services {
		if s.name == name {
			panic("sim: duplicate service " + name + " on " + h.name)
		}
	}
	h.services = append(h.services, &service{name: name, boot: boot})
}

// SetManual marks a service as not started at boot (an application
// program someone runs by hand, not a system service): PowerOn skips it.
func (h *Host) SetManual(name string) { h.service(name).manual = true }

// Services lists the service names in registration order.
func (h *Host) Services() []string {
	out := make([]string, len(h.services))
	for i, s := range h.services {
		out[i] = s.name
	}
	return out
}

func (h *Host) service(name string) *service {
	for _, s := range h.services {
		if s.name == name {
			return s
		}
	}
	panic("sim: no service " + name + " on " + h.name)
}

// Proc returns the service's current process (possibly dead), or nil if it
// never started.
func (h *Host) Proc(name string) *Process { return h.service(name).proc }

// Start starts a fresh process of the service if none is running and the
// host is up. It returns the running process, or nil if the host is down.
func (h *Host) Start(name string) *Process {
	s := h.service(name)
	if !h.up {
		return nil
	}
	if s.proc != nil && s.proc.Alive() {
		return s.proc
	}
	s.inc++
	p := &Process{w: h.w, host: h, svc: s, name: h.name + "/" + s.name, inc: s.inc, state: ProcRunning}
	p.id = p.name + "#" + strconv.Itoa(s.inc)
	s.proc = p
	h.w.Trace("proc", p.name, "start incarnation="+strconv.Itoa(s.inc))
	s.boot(p)
	return p
}

// Kill kills the service's process (kill -9): no shutdown hook runs; the
// OS closes its connections, so peers see FIN/RST.
func (h *Host) Kill(name string) {
	if p := h.service(name).proc; p != nil && p.Alive() {
		h.w.Trace("fault", p.name, "kill")
		p.die(ProcKilled, true)
	}
}

// Stop stops the service's process gracefully: its stop hook runs (bounded
// by grace), then it exits and the OS closes its connections.
func (h *Host) Stop(name string, grace time.Duration) {
	if p := h.service(name).proc; p != nil && p.Alive() {
		p.Stop(grace)
	}
}

// PowerOff cuts power: every process dies silently (no FIN, no RST), the
// network interface vanishes, and data not synced to disk is lost.
func (h *Host) PowerOff() { h.powerOff(false) }

// powerOff is PowerOff; with synced, the OS's last act before it: an OS
// shutdown (systemd-shutdown, src/core/shutdown.c main) sync()s the page
// cache after the final kill and again right before reboot(RB_POWER_OFF),
// so what the processes had written survives, even when the network went
// first and they never closed their connections.
func (h *Host) powerOff(synced bool) {
	if !h.up {
		return
	}
	h.w.Trace("fault", h.name, "power-off")
	// Kill first: Alive() is false once the host is down, so a process
	// left for after h.up = false would survive into the next boot.
	for _, s := range h.services {
		if s.proc != nil && s.proc.Alive() {
			h.w.Trace("proc", s.proc.name, "dies with the power")
			s.proc.die(ProcKilled, false)
		}
	}
	h.up = false
	h.netUp = false
	h.powerEpoch++
	if synced {
		h.disk.sync()
	}
	h.disk.powerLoss(h.w.now)
	h.w.net.hostDown(h)
}

// PowerOn boots the host: the interface comes up and, after bootDelay, every
// service not marked manual starts. Peers still holding connections to the old processes get
// a reset on their next packet.
func (h *Host) PowerOn(bootDelay time.Duration) {
	if h.up {
		return
	}
	h.w.Trace("fault", h.name, "power-on")
	h.up = true
	h.netUp = true
	h.powerEpoch++
	epoch := h.powerEpoch
	h.w.net.topologyChanged()
	h.w.At(h.w.now.Add(bootDelay), func() {
		if h.powerEpoch != epoch || !h.up {
			return
		}
		for _, s := range h.services {
			if !s.manual {
				h.Start(s.name)
			}
		}
	})
}

// SetNetUp takes the host's network interface down or up. While down, the
// host sends and receives nothing; its peers see a black hole.
func (h *Host) SetNetUp(up bool) {
	if !h.up || h.netUp == up {
		return
	}
	h.netUp = up
	if up {
		h.w.Trace("fault", h.name, "net-up")
		h.w.net.topologyChanged()
	} else {
		h.w.Trace("fault", h.name, "net-down")
	}
}

// ShutdownOrderly is an OS shutdown that stops processes first: each gets
// its stop hook (bounded by grace) and its connections are closed (peers
// see FIN), then the host powers off after powerOffDelay, its disks
// synced first (nothing written is lost).
func (h *Host) ShutdownOrderly(grace, powerOffDelay time.Duration) {
	if !h.up {
		return
	}
	h.w.Trace("fault", h.name, "shutdown-orderly")
	epoch := h.powerEpoch
	for i := len(h.services) - 1; i >= 0; i-- {
		if p := h.services[i].proc; p != nil && p.Alive() {
			p.Stop(grace)
		}
	}
	h.w.At(h.w.now.Add(grace+powerOffDelay), func() {
		if h.powerEpoch == epoch {
			h.powerOff(true)
		}
	})
}

// ShutdownNetworkFirst is an OS shutdown whose network goes down before its
// processes end: peers see a black hole, then the host powers off after
// powerOffDelay (processes die with it, their closes never sent). The
// disks are synced before the power goes (powerOff), so unlike a power
// cut it loses no page cache.
func (h *Host) ShutdownNetworkFirst(powerOffDelay time.Duration) {
	if !h.up {
		return
	}
	h.w.Trace("fault", h.name, "shutdown-network-first")
	h.SetNetUp(false)
	epoch := h.powerEpoch
	h.w.At(h.w.now.Add(powerOffDelay), func() {
		if h.powerEpoch == epoch {
			h.powerOff(true)
		}
	})
}

func (h *Host) String() string { return fmt.Sprintf("host(%s)", h.name) }
