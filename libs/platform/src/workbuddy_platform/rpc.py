"""nameko's RPC entrypoint, made to outlive a broker that goes away mid-request.

nameko sends a method's answer after the method returns; if the broker is gone at that moment
the send raises in the container itself, which then stops: the service is dead although the
broker comes back seconds later. Here the answer that cannot be sent is logged and dropped
instead. The caller times out (the gateway answers 504 and the client sends the request
again, with its Idempotency-Key); the request, not acknowledged, is delivered again when the
broker is back, and the services' idempotent writes make that harmless.

A refusal (bad input, not found, a conflict) is the answer to the caller, not a fault of the
service: nameko logs it as expected, a warning without a traceback, so that the errors in a
service's log are the faults worth someone's look.

The requests wait in the service's queue (rpc-<service>). nameko makes it a classic queue,
which lives on one broker node: on a cluster, when that node dies, the service cannot consume
it again (the broker answers that its home node is down) until the node is back.
RPC_QUEUE_TYPE=quorum makes it a quorum queue, replicated on the cluster's nodes.
"""

from kombu import Queue
from kombu.exceptions import OperationalError
from nameko.rpc import Rpc, RpcConsumer

from workbuddy_contracts.errors import REFUSALS

from .logs import get_logger
from .settings import platform_of

log = get_logger(__name__)


class ReliableRpcConsumer(RpcConsumer):
    def setup(self):
        fresh = self.queue is None
        super().setup()
        if fresh and platform_of(self.container).rpc_queue_type == "quorum":
            # Read when the consumer connects (after setup), so replacing it here is enough.
            self.queue = Queue(self.queue.name, exchange=self.queue.exchange,
                               routing_key=self.queue.routing_key, durable=True,
                               queue_arguments={"x-queue-type": "quorum"})


class ReliableRpc(Rpc):
    rpc_consumer = ReliableRpcConsumer()

    def __init__(self, expected_exceptions=REFUSALS, **kwargs):
        super().__init__(expected_exceptions=expected_exceptions, **kwargs)

    def handle_result(self, message, worker_ctx, result, exc_info):
        try:
            return super().handle_result(message, worker_ctx, result, exc_info)
        except (OperationalError, ConnectionError, OSError) as exc:
            log.warning("rpc.answer_not_sent", method=self.method_name, error=str(exc))
            return result, exc_info


rpc = ReliableRpc.decorator
