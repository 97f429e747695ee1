"""The catalogue is the broker topology: it must list exactly the event handlers each service
declares with nameko, under the queue names nameko gives them, with the same queue options.

Services are introspected through nameko's own ServiceContainer (binding only: nothing is
started, nothing connects). The topology is declared on kombu's in-memory transport.
"""

import functools
from unittest import mock

import pytest
from kombu import Queue
from nameko.containers import ServiceContainer
from nameko.events import SERVICE_POOL, EventHandler
from nameko.rpc import Rpc

from workbuddy_contracts.catalogue import EVENT_TYPES, SUBSCRIPTIONS, subscriptions_of
from workbuddy_matching.service import MatchingService
from workbuddy_notifications.service import NotificationsService
from workbuddy_platform import topology
from workbuddy_platform.consumers import consumes
from workbuddy_platform.retries import ReliableEventHandler
from workbuddy_platform.rpc import ReliableRpc
from workbuddy_platform.settings import PlatformSettings
from workbuddy_profiles.service import ProfilesService

SERVICES = {cls.name: cls for cls in (ProfilesService, MatchingService, NotificationsService)}


def settings(queue_type: str = "classic") -> PlatformSettings:
    return PlatformSettings(amqp_uri="memory://", event_queue_type=queue_type)


@functools.cache
def container_of(service_cls, queue_type: str = "classic") -> ServiceContainer:
    # cached: bound extensions only hold a weak reference to their container
    return ServiceContainer(service_cls, settings(queue_type).nameko_config())


def event_handlers(service_cls, queue_type: str = "classic") -> list[EventHandler]:
    """The service's event handlers, bound as nameko binds them when it runs the service."""
    return [ep for ep in container_of(service_cls, queue_type).entrypoints
            if isinstance(ep, EventHandler)]


def queue_of(handler: EventHandler) -> Queue:
    handler.setup()  # computes the queue; registering with the (unstarted) consumer is local
    return handler.queue


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_a_services_event_handlers_are_exactly_its_subscriptions(service):
    declared = {(h.event_type, h.source_service, h.method_name)
                for h in event_handlers(SERVICES[service])}
    catalogued = {(s.event, s.producer, s.handler) for s in subscriptions_of(service)}
    assert declared == catalogued


def test_every_subscription_belongs_to_a_known_service_and_event():
    assert {s.consumer for s in SUBSCRIPTIONS} <= set(SERVICES)
    assert {s.event for s in SUBSCRIPTIONS} <= set(EVENT_TYPES)
    assert {e.producer for e in EVENT_TYPES.values()} <= set(SERVICES)
    assert len(set(SUBSCRIPTIONS)) == len(SUBSCRIPTIONS)


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_handler_is_a_service_pool_handler_with_reliable_delivery(service):
    for handler in event_handlers(SERVICES[service]):
        assert handler.handler_type == SERVICE_POOL, handler.method_name
        assert handler.reliable_delivery, handler.method_name


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_rpc_method_survives_a_broker_gone_when_it_answers(service):
    """nameko's own entrypoint stops the whole service when its answer cannot be sent."""
    methods = [ep for ep in container_of(SERVICES[service]).entrypoints if isinstance(ep, Rpc)]
    assert methods and all(isinstance(ep, ReliableRpc) for ep in methods), service


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_handler_retries_and_parks_what_fails(service):
    """nameko's own handler drops an event whose handler raised; ours retries it, then parks it."""
    for handler in event_handlers(SERVICES[service]):
        assert isinstance(handler, ReliableEventHandler), f"{service}.{handler.method_name}"


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_subscription_queue_is_named_as_nameko_names_it(service):
    nameko_queues = {h.method_name: queue_of(h).name for h in event_handlers(SERVICES[service])}
    for sub in subscriptions_of(service):
        assert sub.queue == nameko_queues[sub.handler]
        assert sub.queue == f"evt-{sub.producer}-{sub.event}--{service}.{sub.handler}"


@pytest.mark.parametrize("queue_type", ["classic", "quorum"])
def test_the_declared_topology_matches_nameko_queue_for_queue(queue_type):
    """A queue declared with other options than nameko's makes the service fail at start
    (PRECONDITION_FAILED), so name, binding, flags and arguments must all be the same."""
    declared = {}

    def recording_queue(*args, **kwargs):
        queue = Queue(*args, **kwargs)
        declared[queue.name] = queue
        return queue

    with mock.patch.object(topology, "Queue", recording_queue):
        topology.declare_topology(settings(queue_type))

    def shape(q: Queue):
        return (q.routing_key, q.durable, q.auto_delete, q.exclusive, q.queue_arguments or {},
                q.exchange.name, q.exchange.type, q.exchange.durable, q.exchange.auto_delete)

    expected = {}
    for service_cls in SERVICES.values():
        for handler in event_handlers(service_cls, queue_type):
            queue = queue_of(handler)
            expected[queue.name] = shape(queue)
    assert {name: shape(q) for name, q in declared.items()} == expected
    quorum = {q.queue_arguments.get("x-queue-type") for q in declared.values()} == {"quorum"}
    assert quorum == (queue_type == "quorum")


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_event_handler_goes_through_the_idempotent_consumer(service):
    """Without @consumes a handler gets the raw body, unvalidated, and replays duplicates."""
    wrapper_code = consumes(lambda self, event: None).__code__
    for handler in event_handlers(SERVICES[service]):
        method = getattr(SERVICES[service], handler.method_name)
        assert method.__code__ is wrapper_code, f"{service}.{handler.method_name}"


@pytest.mark.parametrize("queue_type", ["classic", "quorum"])
def test_a_services_rpc_queue_is_of_the_type_asked(queue_type):
    """On a cluster the RPC queue must outlive its node (RPC_QUEUE_TYPE=quorum); otherwise it
    stays as nameko declares it, so that an existing classic queue still matches."""
    config = PlatformSettings(amqp_uri="memory://", rpc_queue_type=queue_type).nameko_config()
    container = ServiceContainer(ProfilesService, config)
    (consumer,) = {ep.rpc_consumer for ep in container.entrypoints if isinstance(ep, Rpc)}
    consumer.setup()
    assert consumer.queue.name == "rpc-profiles" and consumer.queue.durable
    assert consumer.queue.routing_key == "profiles.*"
    expected = {"x-queue-type": "quorum"} if queue_type == "quorum" else {}
    assert (consumer.queue.queue_arguments or {}) == expected
