package client

import (
	"strconv"

	"rmqsim/model"
)

// Exception is a Java exception as a value (RocketMQ failures are values,
// never Go errors). String is what Throwable.toString prints, the text the
// history records.
type Exception struct {
	// Class is the fully qualified class name.
	Class string
	// Msg is getMessage() ("" = null).
	Msg string
	// Code is MQClientException/MQBrokerException.getResponseCode().
	Code int
	// Cause is the wrapped exception, if any.
	Cause *Exception
}

// Exception classes the client throws.
const (
	ClassMQClientException       = "org.apache.rocketmq.client.exception.MQClientException"
	ClassMQBrokerException       = "org.apache.rocketmq.client.exception.MQBrokerException"
	ClassIllegalStateException   = "java.lang.IllegalStateException"
	remotingExceptionPackage     = "org.apache.rocketmq.remoting.exception."
	ClassRemotingTooMuchRequest  = remotingExceptionPackage + model.RemotingTooMuchRequestException
	ClassRemotingConnect         = remotingExceptionPackage + model.RemotingConnectException
	ClassRemotingTimeout         = remotingExceptionPackage + model.RemotingTimeoutException
	ClassRemotingSendRequest     = remotingExceptionPackage + model.RemotingSendRequestException
	goClientError                = "go-client error" // rocketmq-client-go's errors have no class
	faqURL                       = "http://rocketmq.apache.org/docs/faq/"
	clientErrorNotFoundTopic     = 10005 // ClientErrorCode.NOT_FOUND_TOPIC_EXCEPTION
	clientErrorConnectBroker     = 10001 // ClientErrorCode.CONNECT_BROKER_EXCEPTION
	clientErrorAccessBrokerTimed = 10002 // ClientErrorCode.ACCESS_BROKER_TIMEOUT
	clientErrorBrokerNotExist    = 10003 // ClientErrorCode.BROKER_NOT_EXIST_EXCEPTION
)

// String is Throwable.toString: "<class>: <message>". Go-profile errors
// print their message alone, as rocketmq-client-go's errors do.
func (e *Exception) String() string {
	if e == nil {
		return ""
	}
	if e.Class == goClientError {
		return e.Msg
	}
	if e.Msg == "" {
		return e.Class
	}
	return e.Class + ": " + e.Msg
}

// IsRemoting reports whether e is a RemotingException subclass.
func (e *Exception) IsRemoting() bool {
	return e != nil && len(e.Class) > len(remotingExceptionPackage) &&
		e.Class[:len(remotingExceptionPackage)] == remotingExceptionPackage
}

// suggestTodo is FAQUrl.suggestTodo.
func suggestTodo() string { return "\nSee " + faqURL + " for further details." }

// attachDefaultURL is FAQUrl.attachDefaultURL: a message without a "See"
// tip gets the default one.
func attachDefaultURL(msg string) string {
	for i := 0; i+5 <= len(msg); i++ {
		if msg[i:i+5] == "\nSee " {
			return msg
		}
	}
	return msg + "\nFor more information, please visit the url, " + faqURL
}

// newMQClientException is new MQClientException(errorMessage, cause).
func newMQClientException(msg string, cause *Exception) *Exception {
	return &Exception{Class: ClassMQClientException, Msg: attachDefaultURL(msg), Code: -1, Cause: cause}
}

// newMQBrokerException is new MQBrokerException(code, remark, brokerAddr).
func newMQBrokerException(code model.ResponseCode, remark, addr string) *Exception {
	msg := "CODE: " + strconv.Itoa(int(code)) + "  DESC: " + remark
	if addr != "" {
		msg += " BROKER: " + addr
	}
	return &Exception{Class: ClassMQBrokerException, Code: int(code), Msg: attachDefaultURL(msg)}
}

// newIllegalState is new IllegalStateException(cause): the message is the
// cause's toString (MQClientInstance.updateTopicRouteInfoFromNameServer, §3.2).
func newIllegalState(cause *Exception) *Exception {
	return &Exception{Class: ClassIllegalStateException, Msg: cause.String(), Cause: cause}
}

// newGoError is a rocketmq-client-go error (§8): a message, no class.
func newGoError(msg string, cause *Exception) *Exception {
	return &Exception{Class: goClientError, Msg: msg, Cause: cause}
}

// remotingException turns the remoting layer's error into its Java
// exception, with addresses printed as Java prints them (ip:port).
func (c *Instance) remotingException(err error) *Exception {
	if re, ok := err.(*model.RemotingError); ok {
		return &Exception{Class: remotingExceptionPackage + re.Class, Msg: c.javaAddrs(re.Msg)}
	}
	panic("client: remoting layer returned a non-remoting error: " + err.Error())
}

// noRouteException is sendDefaultImpl's "No route info of this topic" (§4.2).
func noRouteException(topic string) *Exception {
	e := newMQClientException("No route info of this topic: "+topic+suggestTodo(), nil)
	e.Code = clientErrorNotFoundTopic
	return e
}

// brokerNotExist is "The broker[x] not exist" (sendKernelImpl, offset store).
func brokerNotExist(brokerName string) *Exception {
	return newMQClientException("The broker["+brokerName+"] not exist", nil)
}
