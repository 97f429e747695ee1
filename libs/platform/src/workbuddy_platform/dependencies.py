"""nameko dependency providers every service declares beside its unit of work
(workbuddy_platform.unit_of_work): the request context, the settings it was started with, and
what the broker holds of a member who left."""

from functools import partial

from nameko.extensions import DependencyProvider

from workbuddy_contracts.i18n import use_language

from .logs import bind_correlation
from .parked import forget_member
from .settings import of_container, platform_of


def correlation_of(worker_ctx) -> str | None:
    # The gateway's RPC context and the relay's event headers both arrive as nameko context data.
    return worker_ctx.data.get("correlation_id")


class RequestContext(DependencyProvider):
    """Binds the correlation id and the entrypoint to every log line a worker writes, and the
    caller's language to every refusal it raises."""

    def worker_setup(self, worker_ctx):
        bind_correlation(correlation_of(worker_ctx),
                         entrypoint=worker_ctx.entrypoint.method_name)
        use_language(worker_ctx.data.get("language"))

    def get_dependency(self, worker_ctx):
        return correlation_of(worker_ctx)


class Configured(DependencyProvider):
    """Gives workers the settings object the service was started with (runner.run_service)."""

    def setup(self):
        self.settings = of_container(self.container)

    def get_dependency(self, worker_ctx):
        return self.settings


class BrokerTraces(DependencyProvider):
    """Gives workers ``forget(member_id)``: delete the events naming a member who left that the
    broker still holds for this service (its parking lot) and in the retry queues
    (parked.forget_member). For the service's member.left handler."""

    def setup(self):
        self.amqp_uri = self.container.config["AMQP_URI"]
        self.delays = platform_of(self.container).event_retry_delays

    def get_dependency(self, worker_ctx):
        return partial(forget_member, self.amqp_uri, services=[self.container.service_name],
                       retry_delays=self.delays)
