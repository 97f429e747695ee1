"""Calls to the services over nameko RPC, always with a timeout, carrying the request's
correlation id and trace context.

A nameko standalone proxy holds a broker connection and a reply queue of its own. Opening one
per call cost each API request a connection, a queue declared and deleted, and left the queue
on the broker for 5 minutes (nameko's reply queues expire then): thousands of queues under
load. Proxies are therefore kept and reused, one thread at a time (a proxy is not
thread-safe), so a gateway process holds about as many as it has threads busy at once.
"""

import os
import threading
import time

from nameko.exceptions import RemoteError, deserialize_to_instance
from nameko.standalone.rpc import ClusterRpcProxy

from workbuddy_contracts.errors import REFUSALS
from workbuddy_platform import tracing

# Services raise these; registering them makes the proxy re-raise the same class with its args.
for _refusal in REFUSALS:
    deserialize_to_instance(_refusal)

# A proxy unused this long is closed rather than reused: its connection sends no heartbeats,
# and a connection quiet for long may have been dropped by the network on the way.
IDLE_SECONDS = 60.0
# A service's answer, refusal or not: the proxy read its reply and is as good as before.
ANSWERS = (RemoteError, *REFUSALS)


class _Proxy:
    def __init__(self, config: dict, timeout: float):
        self.standalone = ClusterRpcProxy(config, timeout=timeout)
        self.cluster = self.standalone.start()
        self.replies = self.standalone._reply_listener.queue_consumer.connection
        self.used_at = time.monotonic()

    def sound(self) -> bool:
        """Whether its connection still stands, asked before it is reused. Nothing is sent to
        an idle proxy, so anything to read (the broker closing the connection as it restarts,
        a reset) means it is not; a call on it would go out and its reply never come back."""
        try:
            self.replies.drain_events(timeout=0)
        except TimeoutError:
            return True
        except Exception:  # noqa: BLE001 - whatever broke it, it is not used again
            return False
        return False

    def call(self, service: str, method: str, context: dict, args, kwargs):
        # nameko reads the context from the proxy's worker context as it sends each call; it
        # is set only at construction, so each call puts its own (the pattern of nameko's
        # pooled proxies for Flask and Django).
        self.standalone._worker_ctx.data = context
        return getattr(getattr(self.cluster, service), method)(*args, **kwargs)

    def close(self) -> None:
        try:
            self.standalone.stop()
        except Exception:  # noqa: BLE001 - a connection already gone is as closed as can be
            pass


def _close_aside(proxy: _Proxy) -> None:
    """Close ``proxy`` in a thread of its own: closing says goodbye to the broker and waits
    for its word, which a connection the network dropped silently brings only at the broker
    connections' time limit (broker.bound_silences); no request waits for that."""
    threading.Thread(target=proxy.close, name="rpc-proxy-close", daemon=True).start()


class Services:
    def __init__(self, amqp_uri: str, timeout: float, idle_seconds: float = IDLE_SECONDS):
        self.config = {"AMQP_URI": amqp_uri, "serializer": "json"}
        self.timeout = timeout
        self.idle_seconds = idle_seconds
        self._idle: list[_Proxy] = []  # least recently used first
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._doubted_before = 0.0  # proxies last used before this are closed, not reused

    def call(self, service: str, method: str, *args, correlation_id: str | None,
             language: str | None = None, **kwargs):
        with tracing.calling(service, method, correlation_id) as trace_context:
            context = {"correlation_id": correlation_id, "language": language, **trace_context}
            proxy = self._take()
            try:
                result = proxy.call(service, method, context, args, kwargs)
            except ANSWERS:
                self._give_back(proxy)
                raise
            except BaseException:
                # A timeout (a late reply would wait in its queue), a service not running or
                # a lost connection: this proxy is not trusted again, nor any other that has
                # not answered since (a network that dropped this one's connection without a
                # word dropped theirs too, and nothing tells until each has waited a timeout).
                with self._lock:
                    self._doubted_before = time.monotonic()
                _close_aside(proxy)
                raise
            self._give_back(proxy)
            return result

    def _take(self) -> _Proxy:
        with self._lock:
            if self._pid != os.getpid():  # a forked worker does not share its parent's sockets
                self._idle, self._pid = [], os.getpid()
            now, cut = time.monotonic(), 0
            while cut < len(self._idle) and (now - self._idle[cut].used_at >= self.idle_seconds
                                             or self._idle[cut].used_at < self._doubted_before):
                cut += 1
            stale, self._idle = self._idle[:cut], self._idle[cut:]
        for old in stale:
            _close_aside(old)
        while proxy := self._pop():
            if proxy.sound():
                return proxy
            _close_aside(proxy)
        return _Proxy(self.config, self.timeout)

    def _pop(self) -> _Proxy | None:
        with self._lock:
            return self._idle.pop() if self._idle else None

    def _give_back(self, proxy: _Proxy) -> None:
        with self._lock:
            proxy.used_at = time.monotonic()
            self._idle.append(proxy)  # so the list stays in the order of last use

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for proxy in idle:
            proxy.close()
