"""Each service answers probes and scrapers on its ops port: /healthz, /readyz (its broker and
its store reachable) and /metrics (Prometheus text), counting what it really did."""

from urllib.parse import unquote, urlsplit

import requests

from workbuddy_devstack.broker import Management
from workbuddy_devstack.stack import SERVICES

from ..support.scrape import samples, value
from ..support.waiting import eventually


def test_every_service_answers_its_probes(stack):
    for service in SERVICES:
        assert requests.get(f"{stack.ops_url(service)}/healthz", timeout=5).json() == {
            "service": service, "status": "ok"}
        ready = requests.get(f"{stack.ops_url(service)}/readyz", timeout=10)
        assert ready.status_code == 200
        assert ready.json() == {"service": service, "status": "ok", "broker": "ok", "store": "ok"}
    assert requests.get(f"{stack.ops_url('profiles')}/nothing", timeout=5).status_code == 404


def test_metrics_count_what_a_win_set_in_motion(stack, gateway, mailbox):
    before = {service: samples(stack, service) for service in SERVICES}
    ana, ben = gateway.sign_up("Ana", "en"), gateway.sign_up("Ben", "en")
    gateway.become_buddies(ana, ben)
    gateway.log_moment(ana, "client_won", "measured")
    mailbox.wait_for(ben["email"], kind="moment")
    after = {service: samples(stack, service) for service in SERVICES}

    def grew(service: str, name: str, **labels) -> float:
        return value(after[service], name, **labels) - value(before[service], name, **labels)

    assert grew("profiles", "workbuddy_entrypoint_seconds_count", entrypoint="log_moment",
                kind="rpc") >= 1
    assert grew("profiles", "workbuddy_events_published_total", type="moment.logged") >= 1
    assert grew("matching", "workbuddy_entrypoint_seconds_count", entrypoint="propose") >= 1
    assert grew("notifications", "workbuddy_events_consumed_total",
                consumer="notifications.on_moment_logged", outcome="processed") >= 1
    assert grew("notifications", "workbuddy_deliveries_total", channel="email", result="sent") >= 1
    assert "workbuddy_outbox_lag_seconds" in {n for n, _ in after["profiles"]}
    for service in SERVICES:  # each counts its round trips to its own database
        assert grew(service, "workbuddy_store_commands_total",
                    database=f"{stack.db_prefix}{service}") >= 1
    assert grew("profiles", "workbuddy_store_commands_total", database=f"{stack.db_prefix}profiles",
                command="insert") >= 1


def test_the_gateway_counts_requests_by_route_across_its_workers(stack, gateway):
    before = samples(stack, "gateway")
    cleo = gateway.sign_up("Cleo", "en")
    for _ in range(4):  # enough to reach both workers, most likely
        assert gateway.request("GET", "/v1/me", cleo).status_code == 200
    assert gateway.request("GET", "/v1/members/nobody-at-all", cleo).status_code == 404
    after = samples(stack, "gateway")

    def grew(name: str, **labels) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("workbuddy_http_requests_total", method="GET", route="/v1/me", status="200") == 4
    assert grew("workbuddy_http_requests_total", method="GET", route="/v1/members/<member_id>",
                status="404") == 1
    assert grew("workbuddy_http_request_seconds_count", method="POST", route="/v1/auth/signup") == 1
    assert not any("nobody-at-all" in str(labels) for _, labels in after)  # routes, never ids
    # Its store commands add up over the workers too: the one session the sign-up opened.
    assert grew("workbuddy_store_commands_total", database=f"{stack.db_prefix}gateway",
                command="insert") == 1
    # The services' gauges are not the gateway's: in multiprocess mode each worker would
    # export its own zero.
    assert not {n for n, _ in after if n.startswith("workbuddy_outbox")}


def test_every_event_handler_shows_its_retries_and_parked_events_before_any_failure(
        stack, amqp_uri):
    # A series that first appears at 1 shows no increase(): the dashboard's parked panel would
    # miss the first parked event. The handlers are read from the broker: one queue each,
    # named evt-<producer>-<event type>--<service>.<method>.
    vhost = unquote(urlsplit(amqp_uri).path[1:])
    handlers = {name.split("--", 1)[1] for name in Management(amqp_uri).queue_names(vhost)
                if name.startswith("evt-")}
    for service in SERVICES:
        found = samples(stack, service)
        own = {h for h in handlers if h.startswith(f"{service}.")}
        assert own, f"{service} consumes no event?"
        for counter in ("workbuddy_event_retries_total", "workbuddy_events_parked_total"):
            assert {dict(labels)["handler"] for name, labels in found if name == counter} == own
        assert {dict(labels)["consumer"] for name, labels in found
                if name == "workbuddy_events_consumed_total"} >= own
    deliveries = {dict(labels)["channel"] + ":" + dict(labels)["result"]
                  for name, labels in samples(stack, "notifications")
                  if name == "workbuddy_deliveries_total"}
    assert deliveries >= {f"{c}:{r}" for c in ("email", "push") for r in ("sent", "failed")}


def test_a_refusal_is_counted_apart_from_failures(stack, gateway):
    dora = gateway.sign_up("Dora", "en")
    before = samples(stack, "profiles")
    assert gateway.request("GET", "/v1/members/nobody-at-all", dora).status_code == 404

    def grown(after: dict, name: str) -> dict[tuple, float]:
        return {labels: v - before.get((n, labels), 0) for (n, labels), v in after.items()
                if n == name and v > before.get((n, labels), 0)}

    def counted():
        # nameko counts a worker's outcome just after it has sent the answer: wait for it.
        found = samples(stack, "profiles")
        return found if grown(found, "workbuddy_entrypoint_refusals_total") else None

    after = eventually(counted)
    [(refused, count)] = grown(after, "workbuddy_entrypoint_refusals_total").items()
    assert dict(refused)["refusal"] == "NotFound" and count == 1
    assert grown(after, "workbuddy_entrypoint_errors_total") == {}
