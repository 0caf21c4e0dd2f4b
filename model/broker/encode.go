package broker

import (
	"strconv"
	"strings"

	"rmqsim/model"
)

// Message property names (CM/message/MessageConst).
const (
	PropertyKeys              = "KEYS"
	PropertyTags              = "TAGS"
	PropertyWaitStoreMsgOK    = "WAIT"
	PropertyDelayTimeLevel    = "DELAY"
	PropertyRetryTopic        = "RETRY_TOPIC"
	PropertyRealTopic         = "REAL_TOPIC"
	PropertyRealQueueID       = "REAL_QID"
	PropertyOriginMessageID   = "ORIGIN_MESSAGE_ID"
	PropertyUniqKey           = "UNIQ_KEY"
	PropertyCluster           = "CLUSTER"
	PropertyMaxReconsumeTimes = "MAX_RECONSUME_TIMES"
)

// propertyLength is one "name\x01value\x02" entry of
// MessageDecoder.messageProperties2String.
func propertyLength(name, value string) int { return len(name) + 1 + len(value) + 1 }

// encodedPropertiesLength is the length of messageProperties2String for
// m: TAGS, KEYS and UNIQ_KEY (typed fields of model.Message, set only when
// non-empty, as Message.setTags/setKeys and MessageClientIDSetter do) plus
// every entry of m.Properties. Entry order does not change the length.
func encodedPropertiesLength(m *model.Message) int {
	n := 0
	if m.Tags != "" {
		n += propertyLength(PropertyTags, m.Tags)
	}
	if m.Keys != "" {
		n += propertyLength(PropertyKeys, m.Keys)
	}
	if m.UniqKey != "" {
		n += propertyLength(PropertyUniqKey, m.UniqKey)
	}
	for k, v := range m.Properties {
		switch k {
		case PropertyTags, PropertyKeys, PropertyUniqKey:
			continue // the typed field wins
		}
		n += propertyLength(k, v)
	}
	return n
}

// sentPropertiesLength is the stored properties length of a message sent
// by a producer: its own properties, the WAIT property the Message
// constructor sets, and the CLUSTER property SendMessageProcessor adds
// (asyncSendMessage: putProperty(CLUSTER, brokerClusterName)).
func sentPropertiesLength(m *model.Message, wait bool, cluster string) int {
	n := encodedPropertiesLength(m)
	if _, ok := m.Properties[PropertyWaitStoreMsgOK]; !ok {
		n += propertyLength(PropertyWaitStoreMsgOK, strconv.FormatBool(wait))
	}
	if old, ok := m.Properties[PropertyCluster]; ok {
		n -= propertyLength(PropertyCluster, old)
	}
	return n + propertyLength(PropertyCluster, cluster)
}

// calMsgLength is CommitLog.calMsgLength for IPv4 born and store hosts:
// the stored size of a message, which also advances the commit-log
// offset.
func calMsgLength(bodyLength, topicLength, propertiesLength int) int {
	return 4 + // TOTALSIZE
		4 + // MAGICCODE
		4 + // BODYCRC
		4 + // QUEUEID
		4 + // FLAG
		8 + // QUEUEOFFSET
		8 + // PHYSICALOFFSET
		4 + // SYSFLAG
		8 + // BORNTIMESTAMP
		8 + // BORNHOST (IPv4 + port)
		8 + // STORETIMESTAMP
		8 + // STOREHOSTADDRESS (IPv4 + port)
		4 + // RECONSUMETIMES
		8 + // Prepared Transaction Offset
		4 + bodyLength +
		1 + topicLength +
		2 + propertiesLength
}

// endFileMinBlankLength is CommitLog.END_FILE_MIN_BLANK_LENGTH: a message
// is written to a file only if this much room is left after it.
const endFileMinBlankLength = 4 + 4

const hexDigits = "0123456789ABCDEF"

// CreateMessageID is MessageDecoder.createMessageId: the offsetMsgId, 32
// upper-case hex digits of the store host's IPv4 address (4 bytes), its
// port (4 bytes) and the commit-log offset (8 bytes), big-endian.
func CreateMessageID(storeHost string, commitLogOffset int64) string {
	var buf [32]byte
	i := strings.LastIndexByte(storeHost, ':')
	if i < 0 {
		panic("broker: store host without port: " + storeHost)
	}
	port, err := strconv.ParseUint(storeHost[i+1:], 10, 32)
	if err != nil {
		panic("broker: bad store host port: " + storeHost)
	}
	ip := strings.Split(storeHost[:i], ".")
	if len(ip) != 4 {
		panic("broker: store host is not IPv4: " + storeHost)
	}
	b := buf[:0]
	for _, part := range ip {
		v, err := strconv.ParseUint(part, 10, 8)
		if err != nil {
			panic("broker: bad IPv4 address: " + storeHost)
		}
		b = appendHex(b, v, 1)
	}
	b = appendHex(b, port, 4)
	b = appendHex(b, uint64(commitLogOffset), 8)
	return string(b)
}

func appendHex(b []byte, v uint64, bytes int) []byte {
	for i := bytes*2 - 1; i >= 0; i-- {
		b = append(b, hexDigits[(v>>(uint(i)*4))&0xF])
	}
	return b
}

// DecodeMessageID is MessageDecoder.decodeMessageId: the store host
// "ip:port" and commit-log offset of an offsetMsgId (ok false if the id
// is not 32 hex digits).
func DecodeMessageID(id string) (storeHost string, offset int64, ok bool) {
	if len(id) != 32 {
		return "", 0, false
	}
	v := func(s string) (uint64, bool) {
		n, err := strconv.ParseUint(s, 16, 64)
		return n, err == nil
	}
	var parts [4]string
	for i := range parts {
		n, good := v(id[i*2 : i*2+2])
		if !good {
			return "", 0, false
		}
		parts[i] = strconv.FormatUint(n, 10)
	}
	port, good1 := v(id[8:16])
	off, good2 := v(id[16:32])
	if !good1 || !good2 {
		return "", 0, false
	}
	return strings.Join(parts[:], ".") + ":" + strconv.FormatUint(port, 10), int64(off), true
}
