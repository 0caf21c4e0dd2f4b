package namesrv

import (
	"strconv"

	"rmqsim/model"
	"rmqsim/sim"
)

// KVConfigPath is the disk blob of the KV config (namesrvConfig.kvConfigPath,
// ~/namesrv/kvConfig.json): namespace → key → value. It is the only state
// a nameserver keeps across a restart (facts §1.5).
const KVConfigPath = "namesrv/kvConfig.json"

// FAQ suffix of TOPIC_NOT_EXIST remarks (FAQUrl.suggestTodo(APPLY_TOPIC_URL)).
const applyTopicFAQ = "\nSee http://rocketmq.apache.org/docs/faq/ for further details."

// NameServer is one NamesrvController incarnation (facts §1): its route
// tables, its KV config, the scanNotActiveBroker timer and a remoting
// server whose channel closes feed onChannelDestroy
// (BrokerHousekeepingService).
type NameServer struct {
	p      *sim.Process
	env    *model.Env
	node   model.NodeSpec
	server *model.RemotingServer
	routes *RouteInfoManager
	kv     map[string]map[string]string
}

// Start boots a nameserver on p: a fresh RouteInfoManager (all route
// tables empty, §1.5), the KV config read from disk, the server on
// model.NameServerPort with the 120 s idle close (§1.4), and
// scanNotActiveBroker at 5 s then every 10 s (§1.4).
func Start(p *sim.Process, env *model.Env, node model.NodeSpec) *NameServer {
	cfg := &env.Cfg.Namesrv
	ns := &NameServer{p: p, env: env, node: node, routes: NewRouteInfoManager(), kv: loadKV(p)}
	ns.server = model.NewRemotingServer(p, model.NameServerPort, cfg.ServerChannelMaxIdleTime)
	ns.server.OnRequest = ns.processRequest
	ns.server.OnChannelClose = ns.onChannelClose
	p.Every(cfg.ScanNotActiveBrokerDelay, cfg.ScanNotActiveBrokerInterval, "scanNotActiveBroker", ns.scanNotActiveBroker)
	return ns
}

// Addr is the nameserver's address ("host:9876").
func (ns *NameServer) Addr() string { return ns.server.Addr() }

// Routes exposes the route tables (read by tests and the dashboard model).
func (ns *NameServer) Routes() *RouteInfoManager { return ns.routes }

func (ns *NameServer) scanNotActiveBroker() {
	expired := ns.env.Cfg.Namesrv.BrokerChannelExpiredTime
	for _, addr := range ns.routes.ScanNotActiveBroker(ns.p.Now(), expired) {
		ns.p.Trace("ns", "scanNotActiveBroker remove "+addr)
	}
}

// onChannelClose is BrokerHousekeepingService: close, exception and idle
// all destroy the channel's broker entry (facts §1.4).
func (ns *NameServer) onChannelClose(ch *sim.End) {
	if addr := ns.routes.OnChannelDestroy(ch.RemoteAddr(), ch); addr != "" {
		ns.p.Trace("ns", "onChannelDestroy remove "+addr)
	}
}

// processRequest is DefaultRequestProcessor.processRequest.
func (ns *NameServer) processRequest(ch *sim.End, in *sim.Inbound) {
	req, ok := in.Msg.(*model.Request)
	if !ok {
		panic("namesrv: unexpected message " + string(in.Msg.Describe(nil)))
	}
	var resp *model.Response
	switch req.Code {
	case model.RegisterBroker:
		body := req.Body.(*model.RegisterBrokerRequest)
		res := ns.routes.RegisterBroker(body, ch, ns.p.Now())
		resp = &model.Response{Code: model.Success, Body: res}
	case model.UnregisterBroker:
		ns.routes.UnregisterBroker(req.Body.(*model.UnregisterBrokerRequest))
		resp = &model.Response{Code: model.Success}
	case model.GetRouteInfoByTopic:
		resp = ns.getRouteInfoByTopic(req.Body.(*model.GetRouteInfoRequest))
	case model.GetBrokerClusterInfo:
		resp = &model.Response{Code: model.Success, Body: ns.routes.GetAllClusterInfo()}
	case model.GetAllTopicListFromNameServer:
		resp = &model.Response{Code: model.Success, Body: ns.routes.GetAllTopicList()}
	case model.PutKVConfig, model.GetKVConfig, model.DeleteKVConfig:
		resp = ns.kvConfig(req.Code, req.Body.(*model.KVConfigRequest))
	default:
		resp = &model.Response{Code: model.RequestCodeNotSupported,
			Remark: " request type " + strconv.Itoa(int(req.Code)) + " not supported"}
	}
	in.Reply(resp)
}

// getRouteInfoByTopic answers the route, or TOPIC_NOT_EXIST (17) with
// RocketMQ's remark (facts §1.3).
func (ns *NameServer) getRouteInfoByTopic(r *model.GetRouteInfoRequest) *model.Response {
	route := ns.routes.PickupTopicRouteData(r.Topic)
	if route == nil {
		return &model.Response{Code: model.TopicNotExist,
			Remark: "No topic route info in name server for the topic: " + r.Topic + applyTopicFAQ}
	}
	return &model.Response{Code: model.Success, Body: route}
}

// kvConfig is KVConfigManager.putKVConfig / getKVConfig / deleteKVConfig;
// puts and deletes rewrite the file (§1.5).
func (ns *NameServer) kvConfig(code model.RequestCode, r *model.KVConfigRequest) *model.Response {
	switch code {
	case model.PutKVConfig:
		if ns.kv[r.Namespace] == nil {
			ns.kv[r.Namespace] = map[string]string{}
		}
		ns.kv[r.Namespace][r.Key] = r.Value
		ns.persistKV()
	case model.DeleteKVConfig:
		delete(ns.kv[r.Namespace], r.Key)
		ns.persistKV()
	default:
		v, ok := ns.kv[r.Namespace][r.Key]
		if !ok {
			return &model.Response{Code: model.QueryNotFound,
				Remark: "No config item, Namespace: " + r.Namespace + " Key: " + r.Key}
		}
		return &model.Response{Code: model.Success, Body: &model.KVConfigRequest{Namespace: r.Namespace, Key: r.Key, Value: v}}
	}
	return &model.Response{Code: model.Success}
}

// KV returns a KV config value (for tests).
func (ns *NameServer) KV(namespace, key string) (string, bool) {
	v, ok := ns.kv[namespace][key]
	return v, ok
}

// persistKV writes a copy of the table (MixAll.string2File: no fsync).
func (ns *NameServer) persistKV() {
	cp := make(map[string]map[string]string, len(ns.kv))
	for n, t := range ns.kv {
		m := make(map[string]string, len(t))
		for k, v := range t {
			m[k] = v
		}
		cp[n] = m
	}
	ns.p.Host().Disk().Blob(KVConfigPath).Write(ns.p.Now(), cp)
}

func loadKV(p *sim.Process) map[string]map[string]string {
	kv := map[string]map[string]string{}
	saved, _ := p.Host().Disk().Blob(KVConfigPath).Read().(map[string]map[string]string)
	for n, t := range saved {
		m := make(map[string]string, len(t))
		for k, v := range t {
			m[k] = v
		}
		kv[n] = m
	}
	return kv
}
