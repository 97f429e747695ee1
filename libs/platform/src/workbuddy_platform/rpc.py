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
"""

from kombu.exceptions import OperationalError
from nameko.rpc import Rpc

from workbuddy_contracts.errors import REFUSALS

from .logs import get_logger

log = get_logger(__name__)


class ReliableRpc(Rpc):
    def __init__(self, expected_exceptions=REFUSALS, **kwargs):
        super().__init__(expected_exceptions=expected_exceptions, **kwargs)

    def handle_result(self, message, worker_ctx, result, exc_info):
        try:
            return super().handle_result(message, worker_ctx, result, exc_info)
        except (OperationalError, ConnectionError, OSError) as exc:
            log.warning("rpc.answer_not_sent", method=self.method_name, error=str(exc))
            return result, exc_info


rpc = ReliableRpc.decorator
