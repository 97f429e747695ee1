"""Calls to the services over nameko RPC: a fresh proxy per call (a proxy is not thread-safe),
always with a timeout, carrying the request's correlation id and trace context."""

import os

from nameko.exceptions import deserialize_to_instance
from nameko.standalone.rpc import ClusterRpcProxy

from workbuddy_contracts.errors import REFUSALS
from workbuddy_platform import tracing
from workbuddy_platform.settings import Settings

# Services raise these; registering them makes the proxy re-raise the same class with its args.
for _refusal in REFUSALS:
    deserialize_to_instance(_refusal)

RPC_TIMEOUT = float(os.environ.get("RPC_TIMEOUT", "10"))


class Services:
    def __init__(self, settings: Settings, timeout: float = RPC_TIMEOUT):
        self.config = {"AMQP_URI": settings.amqp_uri, "serializer": "json"}
        self.timeout = timeout

    def call(self, service: str, method: str, *args, correlation_id: str | None,
             language: str | None = None, **kwargs):
        with tracing.calling(service, method, correlation_id) as trace_context:
            context = {"correlation_id": correlation_id, "language": language, **trace_context}
            with ClusterRpcProxy(self.config, timeout=self.timeout, context_data=context) as cluster:
                return getattr(getattr(cluster, service), method)(*args, **kwargs)
