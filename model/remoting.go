package model

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"rmqsim/sim"
)

// RemotingError is a Java remoting exception as a value (facts §3.4):
// Class is the exception's simple name, Msg its message text, as RocketMQ
// 4.8.0 words them (remoting/exception/*).
type RemotingError struct {
	Class string
	Msg   string
}

func (e *RemotingError) Error() string {
	return "org.apache.rocketmq.remoting.exception." + e.Class + ": " + e.Msg
}

// Remoting exception classes.
const (
	RemotingConnectException        = "RemotingConnectException"
	RemotingTimeoutException        = "RemotingTimeoutException"
	RemotingSendRequestException    = "RemotingSendRequestException"
	RemotingTooMuchRequestException = "RemotingTooMuchRequestException"
)

func errConnect(addr string) *RemotingError {
	return &RemotingError{Class: RemotingConnectException, Msg: "connect to " + addr + " failed"}
}

func errTimeoutWait(addr string, d time.Duration) *RemotingError {
	return &RemotingError{Class: RemotingTimeoutException,
		Msg: "wait response on the channel <" + addr + "> timeout, " + strconv.FormatInt(d.Milliseconds(), 10) + "(ms)"}
}

func errSendRequest(addr string) *RemotingError {
	return &RemotingError{Class: RemotingSendRequestException, Msg: "send request to <" + addr + "> failed"}
}

// ErrInvokeSyncCallTimeout is invokeSync's own check that the connect ate
// the whole budget (NettyRemotingClient.invokeSync, facts §3.4).
func errInvokeSyncCallTimeout() *RemotingError {
	return &RemotingError{Class: RemotingTimeoutException, Msg: "invokeSync call timeout"}
}

// RemotingClient is NettyRemotingClient (facts §3.4, §3.5): a table of
// channels by address, created on demand with the connect time counted
// against the request's timeout, a sticky nameserver choice, channels
// closed on send failure (and on timeout only with
// clientCloseSocketIfTimeout), and an idle handler.
type RemotingClient struct {
	p        *sim.Process
	cfg      *ClientConfig
	channels map[string]*channelWrapper
	nsAddrs  []string
	nsIndex  int
	nsChosen string
	// OnRequest handles requests the server side starts on a client
	// channel (NOTIFY_CONSUMER_IDS_CHANGED); addr is the channel's key.
	OnRequest func(addr string, in *sim.Inbound)
	// OnNameServerChosen is told when a new nameserver is chosen.
	OnNameServerChosen func(addr string)
	// ConnectWithinCallTimeout bounds a connect by the calling request's
	// own timeout, as the Go client's dial uses the request's context
	// (rocketmq-client-go internal/remote, facts §8); Java waits the full
	// connectTimeoutMillis and then finds the budget spent (§3.4).
	ConnectWithinCallTimeout bool
	// ReadIdle, if set, replaces the all-idle handler: a channel on which
	// nothing was read for this long is closed (the Go client's 120 s read
	// deadline, facts §8).
	ReadIdle time.Duration
	// NoScanGrace: an InvokeAsync times out at its timeout, as the Go
	// client's goroutine around InvokeSync does (internal/client.go
	// PullMessage), not one response-table scan later (Java).
	NoScanGrace bool
}

type channelWrapper struct {
	end        *sim.End
	connecting bool
	waiters    []channelWaiter
}

// channelWaiter is told the channel getAndCreateChannel found for key (nil
// or inactive if the connect failed, err its error if it has one). An
// interface, so that an invocation waits as itself: a method value and a
// closure binding the address were two allocations a connect-path call.
type channelWaiter interface {
	onChannel(key string, end *sim.End, err error)
}

// channelFunc is a func as a channelWaiter (stored in the interface as is).
type channelFunc func(key string, end *sim.End, err error)

func (f channelFunc) onChannel(key string, end *sim.End, err error) { f(key, end, err) }

// NewRemotingClient makes a client on process p.
func NewRemotingClient(p *sim.Process, cfg *ClientConfig) *RemotingClient {
	return &RemotingClient{p: p, cfg: cfg, channels: map[string]*channelWrapper{}}
}

// SetNameServers sets the nameserver list. Like
// updateNameServerAddressList it shuffles a changed list; the index starts
// at a random value (initValueIndex, facts §3.4).
func (c *RemotingClient) SetNameServers(addrs []string) {
	list := append([]string(nil), addrs...)
	if strings.Join(list, ";") == strings.Join(c.nsAddrs, ";") {
		return
	}
	r := c.p.Rand()
	r.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })
	c.nsAddrs = list
	c.nsIndex = r.IntN(999)
}

// NameServers is the (shuffled) nameserver list.
func (c *RemotingClient) NameServers() []string { return c.nsAddrs }

// ChosenNameServer is namesrvAddrChoosed ("" if none yet).
func (c *RemotingClient) ChosenNameServer() string { return c.nsChosen }

// ChannelActive reports whether a usable channel to addr exists.
func (c *RemotingClient) ChannelActive(addr string) bool {
	cw := c.channels[addr]
	return cw != nil && cw.end != nil && cw.end.Active()
}

// ResponseCallback gets an InvokeSync's or InvokeAsync's outcome: the
// response or a *RemotingError.
type ResponseCallback interface {
	Response(resp *Response, err error)
}

// SentCallback is told whether an InvokeAsync's request was written: nil,
// or the connect failure or "invokeAsync call timeout".
type SentCallback interface {
	Sent(err error)
}

// AsyncCallback is InvokeAsyncIn's callback object.
type AsyncCallback interface {
	SentCallback
	ResponseCallback
}

// WrittenCallback is told an InvokeOneway's outcome: nil once written
// locally, or the connect/send error.
type WrittenCallback interface {
	Written(err error)
}

// The callback interfaces take objects, not funcs, so that a caller whose
// call state is already one struct passes its pointer, which an interface
// holds without allocating; a method value (call.sent) is a closure of
// its own, allocated on every call. The func API below wraps its funcs in
// these func types, which are pointer-shaped too: it allocates no more
// than before.
type (
	responseFunc func(*Response, error)
	sentFunc     func(error)
	writtenFunc  func(error)
)

func (f responseFunc) Response(resp *Response, err error) { f(resp, err) }
func (f sentFunc) Sent(err error)                         { f(err) }
func (f writtenFunc) Written(err error)                   { f(err) }

// InvokeSync sends req to addr ("" = the chosen nameserver) and calls cb
// with the response or a *RemotingError. The time spent connecting counts
// against timeout.
func (c *RemotingClient) InvokeSync(addr string, req *Request, timeout time.Duration, cb func(*Response, error)) {
	c.InvokeSyncIn(new(Invocation), addr, req, timeout, responseFunc(cb))
}

// Invocation is the remoting state of one call, for a caller to embed in
// its own per-call object so that the call allocates one object, not two.
// Each Invocation serves exactly one InvokeSyncIn or InvokeAsyncIn and is
// never reused: the remoting client and the kernel hold it until the call
// is settled and any late reply dropped.
type Invocation struct{ inv invocation }

// InvokeSyncIn is InvokeSync with a callback object and the call's state
// in inv (zero, unused).
func (c *RemotingClient) InvokeSyncIn(inv *Invocation, addr string, req *Request, timeout time.Duration, cb ResponseCallback) {
	inv.inv = invocation{c: c, req: req, timeout: timeout, begin: c.p.Now(), cb: cb}
	c.invoke(addr, &inv.inv)
}

// waitOutFIN delivers a call's outcome at its deadline when the peer
// closed the channel with a FIN (its process ended). Netty 4.0 (4.8.0
// uses 4.0.42) closes such a channel from its read loop
// (AbstractNioByteChannel.closeOnRead → unsafe.close), which bypasses the
// pipeline's close(), so NettyConnectManageHandler.close never calls
// failFast: the request waits out its timeout (facts §6: "sends in flight
// when it died time out"). A reset (RST) is a read error instead:
// exceptionCaught → closeChannel → close() → failFast, at once (§3.5).
func (c *RemotingClient) waitOutFIN(deadline sim.Time, fn func()) {
	c.p.After(max(0, deadline.Sub(c.p.Now())), "", fn)
}

// InvokeAsync is NettyRemotingClient.invokeAsync (facts §4.4, §5.5). The
// connect runs on the caller's thread: sent gets the connect error, or
// "invokeAsync call timeout" when the connect ate the budget (and cb is
// then never called), or nil once the request is written. cb then gets the
// response, a send failure, or a timeout; the timeout is found by the
// response-table scan, so it fires ResponseTableScanInterval (1 s grace)
// after the budget (NettyRemotingAbstract.scanResponseTable).
func (c *RemotingClient) InvokeAsync(addr string, req *Request, timeout time.Duration, sent func(error), cb func(*Response, error)) {
	c.invokeAsync(new(Invocation), addr, req, timeout, sentFunc(sent), responseFunc(cb))
}

// InvokeAsyncIn is InvokeAsync with a callback object and the call's
// state in inv (zero, unused; see Invocation).
func (c *RemotingClient) InvokeAsyncIn(inv *Invocation, addr string, req *Request, timeout time.Duration, cb AsyncCallback) {
	c.invokeAsync(inv, addr, req, timeout, cb, cb)
}

func (c *RemotingClient) invokeAsync(inv *Invocation, addr string, req *Request, timeout time.Duration, sent SentCallback, cb ResponseCallback) {
	inv.inv = invocation{c: c, req: req, timeout: timeout, begin: c.p.Now(), sent: sent, cb: cb}
	c.invoke(addr, &inv.inv)
}

// invocation is one InvokeSync or InvokeAsync: the state its steps share,
// in one object that is both the continuation once the channel is there
// and the sim call's Replier and PendingCall, so that the common case (the
// channel is open) allocates it alone instead of three closures and the
// call's record.
type invocation struct {
	c       *RemotingClient
	req     *Request
	timeout time.Duration
	begin   sim.Time
	// sent is InvokeAsync's; nil marks a sync call. (No async flag
	// besides: the object stays in its 144-byte size class.)
	sent SentCallback
	cb   ResponseCallback
	// Set once the request is written:
	key      string
	end      *sim.End
	left     time.Duration
	deadline sim.Time
	// call is the kernel's record of the request, in this same object.
	call sim.PendingCall
}

// invoke gets the channel for inv: at once when it is open (what
// getAndCreateChannel would do), else through it, inv waiting as itself.
func (c *RemotingClient) invoke(addr string, inv *invocation) {
	if key, end := c.openChannel(addr); end != nil {
		inv.onChannel(key, end, nil)
		return
	}
	c.getAndCreateChannel(addr, inv.timeout, inv)
}

// onChannel writes the request on the channel getAndCreateChannel found.
func (inv *invocation) onChannel(key string, end *sim.End, connErr error) {
	c := inv.c
	if end == nil || !end.Active() {
		c.closeChannel(key, end)
		if connErr == nil {
			connErr = errConnect(key)
		}
		if inv.sent != nil {
			inv.sent.Sent(connErr)
		} else {
			inv.cb.Response(nil, connErr)
		}
		return
	}
	cost := c.p.Now().Sub(inv.begin)
	if inv.timeout.Milliseconds() < cost.Milliseconds() {
		if inv.sent != nil {
			inv.sent.Sent(&RemotingError{Class: RemotingTooMuchRequestException, Msg: "invokeAsync call timeout"})
		} else {
			inv.cb.Response(nil, errInvokeSyncCallTimeout())
		}
		return
	}
	inv.key, inv.end = key, end
	inv.left = inv.timeout - cost
	if inv.sent == nil {
		inv.deadline = c.p.Now().Add(inv.left)
		end.CallInto(inv.req, inv.left, &inv.call, inv)
		return
	}
	grace := c.cfg.ResponseTableScanInterval
	if c.NoScanGrace {
		grace = 0
	}
	inv.sent.Sent(nil)
	inv.deadline = c.p.Now().Add(inv.left + grace)
	end.CallInto(inv.req, inv.left+grace, &inv.call, inv)
}

// OnReply is the call's outcome. A sync call closes its channel on a send
// failure (and on timeout with clientCloseSocketIfTimeout); an async one
// leaves it.
func (inv *invocation) OnReply(m sim.Message, err error) {
	c, key, end := inv.c, inv.key, inv.end
	switch {
	case err == nil:
		inv.cb.Response(m.(*Response), nil)
	case err == sim.ErrTimeout:
		if inv.sent == nil && c.cfg.ClientCloseSocketIfTimeout {
			c.closeChannel(key, end)
		}
		inv.cb.Response(nil, errTimeoutWait(key, inv.left))
	case end.CloseReason() == sim.CloseByPeer:
		c.waitOutFIN(inv.deadline, func() { inv.cb.Response(nil, errTimeoutWait(key, inv.left)) })
	default:
		if inv.sent == nil {
			c.closeChannel(key, end)
		}
		inv.cb.Response(nil, errSendRequest(key))
	}
}

// InvokeOneway writes req to addr without waiting; cb (may be nil) gets
// nil once written locally or the connect/send error.
func (c *RemotingClient) InvokeOneway(addr string, req *Request, cb func(error)) {
	var w WrittenCallback
	if cb != nil { // a nil func must stay a nil interface
		w = writtenFunc(cb)
	}
	c.InvokeOnewayTo(addr, req, w)
}

// InvokeOnewayTo is InvokeOneway with a callback object (may be nil).
func (c *RemotingClient) InvokeOnewayTo(addr string, req *Request, cb WrittenCallback) {
	if key, end := c.openChannel(addr); end != nil {
		c.oneway(key, end, nil, req, cb) // what getAndCreateChannel does, with no closure
		return
	}
	c.getAndCreateChannel(addr, 0, channelFunc(func(key string, end *sim.End, connErr error) {
		c.oneway(key, end, connErr, req, cb)
	}))
}

// oneway writes req on the channel getAndCreateChannel found.
func (c *RemotingClient) oneway(key string, end *sim.End, connErr error, req *Request, cb WrittenCallback) {
	var err error
	switch {
	case end == nil || !end.Active():
		c.closeChannel(key, end)
		err = connErr
		if err == nil {
			err = errConnect(key)
		}
	case end.Send(req) != nil:
		c.closeChannel(key, end)
		err = errSendRequest(key)
	}
	if cb != nil {
		cb.Written(err)
	}
}

// openChannel is the channel getAndCreateChannel would hand over at once
// (nil if it would connect or choose a nameserver): addr's open channel,
// or for "" the chosen nameserver's.
func (c *RemotingClient) openChannel(addr string) (key string, end *sim.End) {
	if addr == "" {
		addr = c.nsChosen
		if addr == "" {
			return "", nil
		}
	}
	if cw := c.channels[addr]; cw != nil && cw.end != nil && cw.end.Active() {
		return addr, cw.end
	}
	return "", nil
}

// getAndCreateChannel finds or connects the channel for a call whose
// timeout is callTimeout (0: none, e.g. oneway).
func (c *RemotingClient) getAndCreateChannel(addr string, callTimeout time.Duration, w channelWaiter) {
	connect := c.cfg.ConnectTimeout
	if c.ConnectWithinCallTimeout && callTimeout > 0 {
		connect = min(connect, callTimeout)
	}
	if addr == "" {
		c.nameServerChannel(connect, w)
		return
	}
	c.createChannel(addr, connect, w)
}

// nameServerChannel is getAndCreateNameserverChannel: keep the chosen NS
// while its channel is OK, else try each NS in turn from index+1.
func (c *RemotingClient) nameServerChannel(connect time.Duration, w channelWaiter) {
	if c.nsChosen != "" && c.ChannelActive(c.nsChosen) {
		w.onChannel(c.nsChosen, c.channels[c.nsChosen].end, nil)
		return
	}
	n := len(c.nsAddrs)
	if n == 0 {
		w.onChannel("null", nil, errConnect("null"))
		return
	}
	var try func(i int)
	try = func(i int) {
		if i == n {
			w.onChannel(c.nsChosen, nil, errConnect("["+strings.Join(c.nsAddrs, ", ")+"]"))
			return
		}
		c.nsIndex++
		addr := c.nsAddrs[c.nsIndex%n]
		if addr != c.nsChosen && c.OnNameServerChosen != nil {
			c.OnNameServerChosen(addr)
		}
		c.nsChosen = addr
		c.createChannel(addr, connect, channelFunc(func(_ string, end *sim.End, _ error) {
			if end != nil && end.Active() {
				w.onChannel(addr, end, nil)
				return
			}
			try(i + 1)
		}))
	}
	try(0)
}

// createChannel hands w an active channel to addr, waiting for one being
// connected, or connecting anew with the given connect timeout (w gets a
// nil end if that fails).
func (c *RemotingClient) createChannel(addr string, connect time.Duration, w channelWaiter) {
	cw := c.channels[addr]
	if cw != nil && cw.end != nil && cw.end.Active() {
		w.onChannel(addr, cw.end, nil)
		return
	}
	if cw != nil && cw.connecting {
		cw.waiters = append(cw.waiters, w)
		return
	}
	cw = &channelWrapper{connecting: true, waiters: []channelWaiter{w}}
	c.channels[addr] = cw
	c.p.Dial(addr, connect, func(end *sim.End, err error) {
		cw.connecting = false
		if err == nil {
			cw.end = end
			end.Handle(func(in *sim.Inbound) {
				if c.OnRequest != nil {
					c.OnRequest(addr, in)
				}
			}, func(sim.CloseReason) { c.closeChannel(addr, end) })
			c.watchIdle(addr, end)
		} else if c.channels[addr] == cw {
			delete(c.channels, addr)
		}
		ws := cw.waiters
		cw.waiters = nil
		for _, w := range ws {
			w.onChannel(addr, cw.end, nil)
		}
	})
}

// watchIdle is the client's IdleStateHandler: a channel with no read or
// write for clientChannelMaxIdleTimeSeconds is closed (facts §3.5); with
// ReadIdle, one with nothing read for that long (Go, §8).
func (c *RemotingClient) watchIdle(addr string, end *sim.End) {
	idle, last := c.cfg.ClientChannelMaxIdleTime, end.LastActivity
	if c.ReadIdle > 0 {
		idle, last = c.ReadIdle, end.LastRead
	}
	if idle <= 0 {
		return
	}
	var check func()
	check = func() {
		if !end.Active() {
			return
		}
		quiet := c.p.Now().Sub(last())
		if quiet >= idle {
			c.p.Trace("idle", "close channel to "+addr)
			c.closeChannel(addr, end)
			return
		}
		c.p.After(idle-quiet, "", check)
	}
	c.p.After(idle, "", check)
}

// closeChannel removes end from the table (if it is still the one there)
// and closes it.
func (c *RemotingClient) closeChannel(addr string, end *sim.End) {
	if cw := c.channels[addr]; cw != nil && cw.end == end && end != nil {
		delete(c.channels, addr)
	}
	if end != nil {
		end.Close()
	}
}

// CloseAll closes every channel (client shutdown).
func (c *RemotingClient) CloseAll() {
	for _, a := range slices.Sorted(maps.Keys(c.channels)) {
		if cw := c.channels[a]; cw.end != nil {
			cw.end.Close()
		}
	}
	clear(c.channels)
}

// RemotingServer is NettyRemotingServer: it accepts channels on a port,
// hands requests to a processor and closes channels idle for
// serverChannelMaxIdleTimeSeconds (facts §1.4, §2.7).
type RemotingServer struct {
	p    *sim.Process
	addr string
	idle time.Duration
	// OnRequest processes a request or oneway message.
	OnRequest func(ch *sim.End, in *sim.Inbound)
	// OnChannelClose is told when a channel closes for any reason
	// (peer close, reset, idle, give-up).
	OnChannelClose func(ch *sim.End)
}

// NewRemotingServer listens on port of p.
func NewRemotingServer(p *sim.Process, port string, idle time.Duration) *RemotingServer {
	s := &RemotingServer{p: p, idle: idle}
	s.addr = p.Listen(port, s.accept)
	return s
}

// Addr is the listening address.
func (s *RemotingServer) Addr() string { return s.addr }

func (s *RemotingServer) accept(ch *sim.End) {
	ch.Handle(func(in *sim.Inbound) {
		if s.OnRequest != nil {
			s.OnRequest(ch, in)
		}
	}, func(sim.CloseReason) {
		if s.OnChannelClose != nil {
			s.OnChannelClose(ch)
		}
	})
	if s.idle <= 0 {
		return
	}
	var check func()
	check = func() {
		if !ch.Active() {
			return
		}
		quiet := s.p.Now().Sub(ch.LastActivity())
		if quiet >= s.idle {
			s.p.Trace("idle", "close channel from "+ch.RemoteAddr())
			ch.Close() // the close callback tells OnChannelClose
			return
		}
		s.p.After(s.idle-quiet, "", check)
	}
	s.p.After(s.idle, "", check)
}
