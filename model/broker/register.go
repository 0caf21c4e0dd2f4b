package broker

import (
	"time"

	"rmqsim/model"
)

const sec = time.Second

// registerBrokerAll is BrokerController.registerBrokerAll with
// forceRegister (§2.1): under its lock (it is synchronized) it sends the
// full topic table to every nameserver in parallel. A sync round waits
// for every reply or failure (each bounded by registerBrokerTimeoutMills,
// connect time included) and uses the first reply in completion order; a
// oneway round finishes once each request is written. then runs after.
func (b *Broker) registerBrokerAll(oneway bool, then func()) {
	b.registerLock.Submit("registerBrokerAll", func(done func()) {
		b.doRegisterBrokerAll(oneway, func() {
			done()
			then()
		})
	})
}

func (b *Broker) registerRequest() *model.RegisterBrokerRequest {
	return &model.RegisterBrokerRequest{
		ClusterName: b.env.Cluster.Name, BrokerAddr: b.addr, BrokerName: b.group.BrokerName,
		BrokerID: b.brokerID, HAServerAddr: b.haAddr,
		Topics: b.topics.sorted(), DataVersion: b.topics.dataVersion,
	}
}

func (b *Broker) doRegisterBrokerAll(oneway bool, done func()) {
	addrs := b.outer.NameServers()
	if len(addrs) == 0 || !b.p.Alive() {
		done()
		return
	}
	req := &model.Request{Code: model.RegisterBroker, Body: b.registerRequest()}
	left := len(addrs)
	var first *model.RegisterBrokerResult
	finish := func() {
		if left--; left > 0 {
			return
		}
		if first != nil {
			b.onRegisterResult(first)
		}
		done()
	}
	for _, addr := range addrs {
		if oneway {
			b.outer.InvokeOneway(addr, req, func(error) { finish() })
			continue
		}
		b.outer.InvokeSync(addr, req, b.cfg.RegisterBrokerTimeoutMills, func(resp *model.Response, err error) {
			if err == nil && resp.Code == model.Success && first == nil {
				first, _ = resp.Body.(*model.RegisterBrokerResult)
			}
			finish()
		})
	}
}

// onRegisterResult is doRegisterBrokerAll's use of the first reply
// (§2.1, §2.4): a slave without haMasterAddress takes its HA master from
// it (when non-null), and SlaveSynchronize's master addr is set
// (possibly to null).
func (b *Broker) onRegisterResult(r *model.RegisterBrokerResult) {
	if b.haClient != nil && b.cfg.HAMasterAddress == "" && r.HAServerAddr != "" {
		b.haClient.updateMasterAddress(r.HAServerAddr)
	}
	b.slaveSync.setMasterAddr(r.MasterAddr)
}

// unregisterBrokerAll is BrokerOuterAPI.unregisterBrokerAll (§2.2): one
// nameserver after the other, each a sync call of 3 s; failures are only
// logged.
func (b *Broker) unregisterBrokerAll(then func()) {
	addrs := b.outer.NameServers()
	body := &model.UnregisterBrokerRequest{ClusterName: b.env.Cluster.Name, BrokerAddr: b.addr,
		BrokerName: b.group.BrokerName, BrokerID: b.brokerID}
	var next func(i int)
	next = func(i int) {
		if i == len(addrs) {
			then()
			return
		}
		b.outer.InvokeSync(addrs[i], &model.Request{Code: model.UnregisterBroker, Body: body}, b.cfg.UnregisterTimeout,
			func(*model.Response, error) { next(i + 1) })
	}
	next(0)
}
