package broker

import (
	"sort"
	"strconv"

	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/sim"
)

// Broker roles (MessageStoreConfig.brokerRole).
const (
	RoleAsyncMaster = "ASYNC_MASTER"
	RoleSyncMaster  = "SYNC_MASTER"
	RoleSlave       = "SLAVE"
)

// Broker is one BrokerController incarnation (facts §2): a master
// (brokerId 0) or a slave (brokerId 1) of a broker group.
type Broker struct {
	p        *sim.Process
	env      *model.Env
	cfg      *model.BrokerConfig
	group    model.BrokerGroupSpec
	node     model.NodeSpec
	brokerID int64
	role     string
	// addr is where clients reach the broker ("host:10911"), haAddr its
	// HA listener; storeHost is "ip:10911", encoded in offsetMsgIds.
	addr, haAddr, storeHost string
	// msgIDPrefix is the offsetMsgId's first 16 hex digits (store host).
	msgIDPrefix string

	server   *model.RemotingServer
	serving  bool
	down     bool
	channels map[*sim.End]bool
	// outer is BrokerOuterAPI's client: nameservers and, on a slave, the master.
	outer *model.RemotingClient
	// scheduled is BrokerControllerScheduledThread: one thread shared by
	// registration, offset persistence and slave synchronisation.
	scheduled *sim.Executor
	// registerLock stands for registerBrokerAll being synchronized.
	registerLock *sim.Executor
	// sendThread is SendMessageThread (sendMessageThreadPoolNums = 1).
	sendThread *sim.Executor

	topics    *TopicConfigManager
	store     *MessageStore
	offsets   *ConsumerOffsetManager
	groups    *SubscriptionGroupManager
	consumers *ConsumerManager
	producers *ProducerManager
	hold      *PullRequestHoldService
	ha        *HAService
	haClient  *HAClient
	schedule  *ScheduleMessageService
	slaveSync *SlaveSynchronize
	stats     *BrokerStatsManager
}

// Start boots a broker of group on p: the master, or the slave when slave
// is true. Like BrokerController.initialize it loads topics, consumer
// offsets, subscription groups and delay offsets from the host disk and
// recovers the commit log at once; after cfg.StartupTime it starts like
// BrokerController.start: remoting on model.BrokerPort (and HA on
// model.HAPort for a master), registration with every nameserver, and
// the periodic tasks. A graceful stop runs BrokerController.shutdown.
func Start(p *sim.Process, env *model.Env, group model.BrokerGroupSpec, slave bool) *Broker {
	cfg := &env.Cfg.Broker
	b := &Broker{p: p, env: env, cfg: cfg, group: group, node: group.Master, role: cfg.BrokerRole,
		channels: map[*sim.End]bool{}}
	if slave {
		if group.Slave == nil {
			panic("broker: " + group.BrokerName + " has no slave")
		}
		b.node, b.brokerID, b.role = *group.Slave, 1, RoleSlave
	} else if b.role == RoleSlave {
		panic("broker: master of " + group.BrokerName + " configured as SLAVE")
	}
	ip := env.Cluster.IPOf(b.node.Host)
	if ip == "" {
		panic("broker: no IP for host " + b.node.Host)
	}
	b.addr = b.node.Host + ":" + model.BrokerPort
	b.haAddr = b.node.Host + ":" + model.HAPort
	b.storeHost = ip + ":" + model.BrokerPort
	b.msgIDPrefix = CreateMessageID(b.storeHost, 0)[:16]
	b.outer = model.NewRemotingClient(p, &env.Cfg.Client)
	b.outer.SetNameServers(env.Cluster.NameServerAddrs())
	b.scheduled = p.Executor("BrokerControllerScheduledThread", 1)
	b.registerLock = p.Executor("registerBrokerAll", 1)
	b.sendThread = p.Executor("SendMessageThread", 1)

	b.topics = newTopicConfigManager(b)
	b.offsets = newConsumerOffsetManager(b)
	b.groups = newSubscriptionGroupManager(b)
	b.consumers = newConsumerManager(b)
	b.producers = newProducerManager(b)
	b.store = newMessageStore(b)
	b.store.recover()
	b.hold = newPullRequestHoldService(b)
	b.schedule = newScheduleMessageService(b)
	b.slaveSync = &SlaveSynchronize{b: b}
	b.stats = newBrokerStatsManager(b)
	p.OnExit(b.store.flush.onExit)
	p.OnStop(b.shutdown)
	p.After(cfg.StartupTime, "broker start", b.start)
	return b
}

// Addr is the broker's address ("host:10911").
func (b *Broker) Addr() string { return b.addr }

// BrokerName is the group's brokerName.
func (b *Broker) BrokerName() string { return b.group.BrokerName }

// Role is ASYNC_MASTER, SYNC_MASTER or SLAVE.
func (b *Broker) Role() string { return b.role }

// Serving reports whether the remoting server accepts requests.
func (b *Broker) Serving() bool { return b.serving }

// start is BrokerController.start (§2.1): store, remoting, HA, the hold
// and housekeeping services, the first registration, then the periodic
// tasks.
func (b *Broker) start() {
	p, cfg := b.p, b.cfg
	b.server = model.NewRemotingServer(p, model.BrokerPort, cfg.ServerChannelMaxIdleTime)
	b.server.OnRequest = b.processRequest
	b.server.OnChannelClose = b.onChannelClose
	b.serving = true
	b.store.flush.start(p.Now())
	if b.role == RoleSlave {
		b.haClient = newHAClient(b)
	} else {
		b.ha = newHAService(b)
		b.schedule.start()
	}
	b.hold.start()
	p.Every(cfg.ClientScanInterval, cfg.ClientScanInterval, "", b.scanNotActiveChannel)
	b.scheduled.ScheduleAtFixedRate("persistConsumerOffset", 10*sec, cfg.FlushConsumerOffsetInterval,
		func(done func()) { b.offsets.persist(); done() })
	if b.role == RoleSlave {
		b.scheduled.ScheduleAtFixedRate("slaveSynchronize", cfg.SlaveSyncDelay, cfg.SlaveSyncInterval, b.slaveSync.syncAll)
	}
	b.registerBrokerAll(false, func() {
		period := min(max(cfg.RegisterNameServerPeriod, 10*sec), 60*sec)
		b.scheduled.ScheduleAtFixedRate("registerBrokerAll", cfg.RegisterNameServerDelay, period,
			func(done func()) {
				if b.down {
					done() // the scheduled executor is shut down
					return
				}
				b.registerBrokerAll(false, done)
			})
	})
}

// shutdown is BrokerController.shutdown (§2.2): remoting and the store
// stop (the commit log is flushed), then the broker unregisters from each
// nameserver in turn, then persists consumer offsets.
func (b *Broker) shutdown(done func()) {
	b.down, b.serving = true, false
	chs := make([]*sim.End, 0, len(b.channels))
	for ch := range b.channels {
		chs = append(chs, ch)
	}
	sort.Slice(chs, func(i, j int) bool { return chs[i].ConnID() < chs[j].ConnID() })
	for _, ch := range chs {
		ch.Close()
	}
	b.hold.shutdown()
	b.store.flush.flushAll()
	b.store.shutdown = true
	if b.ha != nil {
		b.ha.shutdown()
	}
	if b.haClient != nil {
		b.haClient.shutdown()
	}
	b.unregisterBrokerAll(func() {
		b.offsets.persist()
		done()
	})
}

// processRequest dispatches to the processors by request code.
func (b *Broker) processRequest(ch *sim.End, in *sim.Inbound) {
	if !b.serving {
		ch.Close() // the server is shut down
		return
	}
	b.channels[ch] = true
	req, ok := in.Msg.(*model.Request)
	if !ok {
		panic("broker: unexpected message " + string(in.Msg.Describe(nil)))
	}
	switch req.Code {
	case model.SendMessage, model.ConsumerSendMsgBack:
		b.sendThread.Submit("", func(done func()) { b.processSend(ch, in, req, done) })
	case model.PullMessage:
		b.processPull(ch, in, req.Body.(*model.PullMessageRequest), true)
	case model.HeartBeat:
		b.heartBeat(ch, in, req.Body.(*model.HeartbeatData))
	case model.UnregisterClient:
		b.unregisterClient(ch, in, req.Body.(*model.UnregisterClientRequest))
	case model.GetConsumerListByGroup:
		in.Reply(b.getConsumerListByGroup(req.Body.(*model.GetConsumerListByGroupRequest)))
	case model.QueryConsumerOffset:
		in.Reply(b.queryConsumerOffset(req.Body.(*model.QueryConsumerOffsetRequest)))
	case model.UpdateConsumerOffset:
		in.Reply(b.updateConsumerOffset(ch, req.Body.(*model.UpdateConsumerOffsetRequest)))
	default:
		in.Reply(b.processAdmin(req))
	}
}

// onChannelClose is ClientHousekeepingService.onChannelClose (§2.7).
func (b *Broker) onChannelClose(ch *sim.End) {
	delete(b.channels, ch)
	b.producers.doChannelCloseEvent(ch)
	b.consumers.doChannelCloseEvent(ch)
}

// scanNotActiveChannel is ClientHousekeepingService's 10 s scan (§2.7).
func (b *Broker) scanNotActiveChannel() {
	if b.down {
		return
	}
	b.producers.scanNotActiveChannel()
	b.consumers.scanNotActiveChannel()
}

// record adds a broker ground-truth record about a stored message.
func (b *Broker) record(kind history.Kind, m *model.MessageExt, detail string) {
	b.env.Rec.Add(history.Record{
		Kind: kind, Proc: b.p.Name(), Key: m.Body, MsgID: m.UniqKey, OffsetMsgID: m.OffsetMsgID,
		Topic: m.Topic, Broker: m.BrokerName, BrokerAddr: b.addr, QueueID: m.QueueID,
		QueueOffset: m.QueueOffset, CommitLogOffset: m.CommitLogOffset, StoreSize: m.StoreSize, Detail: detail,
	})
}

func (b *Broker) trace(text string) { b.p.Trace("broker", text) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
