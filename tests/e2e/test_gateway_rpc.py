"""The gateway's calls to the services reuse their broker connections and reply queues: an API
request no longer leaves a reply queue on the broker for minutes, and each call still carries
its own request's correlation id and language."""

import concurrent.futures
import uuid

from workbuddy_devstack.broker import Management

from ..support.logs import wait_for_record

REPLY_QUEUE = "rpc.reply-standalone_rpc_proxy-"
WORKERS, THREADS = 2, 8  # the stack's gateway: GATEWAY_WORKERS and GATEWAY_THREADS defaults


def reply_queues(stack) -> set[str]:
    vhost = stack.amqp_uri.rsplit("/", 1)[1]
    return {q for q in Management(stack.amqp_uri).queue_names(vhost) if q.startswith(REPLY_QUEUE)}


def test_many_requests_leave_no_more_reply_queues_than_the_gateway_has_threads(gateway, stack):
    member = gateway.sign_up("Rafa", "en")
    before = reply_queues(stack)
    for _ in range(30):
        assert gateway.request("GET", "/v1/me", member).status_code == 200
    with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
        answers = list(pool.map(lambda _: gateway.request("GET", "/v1/me", member).status_code,
                                range(60)))
    assert answers == [200] * 60
    made = reply_queues(stack) - before
    # One proxy per request was 90 and more; reused, at most one per thread that ran at once.
    assert len(made) <= WORKERS * THREADS, len(made)


def test_each_call_on_a_reused_connection_carries_its_own_request(gateway, stack):
    member = gateway.sign_up("Noor", "en")
    for language, start in [("fr", "aucun membre"), ("en", "no member"), ("fr", "aucun membre")]:
        correlation_id = f"reuse-{uuid.uuid4().hex}"
        answer = gateway.request("GET", "/v1/members/nobody", member, headers={
            "Accept-Language": language, "X-Correlation-Id": correlation_id})
        assert answer.status_code == 404 and answer.json()["detail"].startswith(start)
        wait_for_record(stack.supervisor.log_path("profiles"), correlation_id=correlation_id)
