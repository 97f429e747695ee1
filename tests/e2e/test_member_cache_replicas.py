"""Two gateway processes sharing the member cache (member_cache.py): what one changes, the
other answers at once (read-your-writes, immediate revocation); what profiles changes without
a gateway's request reaches both through its events; and a member who leaves leaves nothing
of theirs in the cache. On a system of its own: its own vhost, store and Redis prefix."""

import sys

import pytest
import redis
import requests
from nameko.standalone.rpc import ClusterRpcProxy

from workbuddy_devstack.processes import wait_until
from workbuddy_gateway.member_cache import MemberCache

from ..support.api import PASSWORD, Gateway
from ..support.net import free_port
from ..support.waiting import eventually
from .conftest import own_stack


@pytest.fixture(scope="module")
def system(mongo_uri, db_prefix, smtp, artifacts, redis_url, run_id):
    with own_stack("cache", {}, mongo_uri=mongo_uri, db_prefix=db_prefix, smtp=smtp,
                   artifacts=artifacts, redis_url=redis_url, run_id=run_id) as system:
        stack = system["stack"]
        port = free_port()
        stack.supervisor.start("gateway-2", [sys.executable, "-m", "workbuddy_gateway"],
                               stack.env() | {"GATEWAY_PORT": str(port),
                                              "GATEWAY_OPS_PORT": "0"})
        second = f"http://127.0.0.1:{port}"
        wait_until(lambda: requests.get(f"{second}/readyz", timeout=5).ok, 60,
                   "the second gateway")
        yield system | {"second": Gateway(second)}


def cached(stack, redis_url: str, member_id: str) -> dict:
    """What Redis holds about the member, as the gateways name it."""
    return redis.Redis.from_url(redis_url).hgetall(
        MemberCache(None, stack.rate_limit_prefix).key(member_id))


def profiles(amqp_uri: str):
    return ClusterRpcProxy({"AMQP_URI": amqp_uri, "serializer": "json"}, timeout=20)


def test_a_change_through_one_gateway_is_read_at_once_through_the_other(system, redis_url):
    one, two = system["gateway"], system["second"]
    ada = one.sign_up("Ada", "en")
    for n, (writer, reader) in enumerate([(one, two), (two, one)] * 3):
        before = reader.request("GET", "/v1/me", ada)  # cached by the reader's read
        assert before.status_code == 200, before.text
        assert reader.request("GET", "/v1/me", ada).headers["ETag"] == before.headers["ETag"]
        changed = writer.request("PATCH", "/v1/me", ada, json={"display_name": f"Ada {n}"},
                                 headers={"If-Match": before.headers["ETag"]})
        assert changed.status_code == 200, changed.text
        after = reader.request("GET", "/v1/me", ada)
        assert after.json()["display_name"] == f"Ada {n}"
        assert after.headers["ETag"] == changed.headers["ETag"] != before.headers["ETag"]
        # The ETag rules hold on a cached answer: unchanged is 304, the old one is not.
        assert reader.request("GET", "/v1/me", ada, headers={
            "If-None-Match": after.headers["ETag"]}).status_code == 304
        assert reader.request("GET", "/v1/me", ada, headers={
            "If-None-Match": before.headers["ETag"]}).status_code == 200
        stale = reader.request("PATCH", "/v1/me", ada, json={"display_name": "lost"},
                               headers={"If-Match": before.headers["ETag"]})
        assert stale.status_code == 412, stale.text
    assert cached(system["stack"], redis_url, ada["id"]).get(b"doc")


def test_a_session_closed_through_one_gateway_is_refused_at_once_by_the_other(system):
    one, two = system["gateway"], system["second"]
    ada = one.sign_up("Ada", "en")
    for gateway in (one, two):  # each knows the session open
        assert gateway.request("GET", "/v1/me", ada).status_code == 200
    assert two.request("POST", "/v1/auth/logout", ada).status_code == 204
    for gateway in (one, two):
        assert gateway.request("GET", "/v1/me", ada).status_code == 401

    # A new password signs out every other session, wherever it was last seen.
    bo = one.sign_up("Bo", "en")
    phone = one.request("POST", "/v1/auth/login", json={"email": bo["email"],
                                                        "password": PASSWORD}).json()
    phone = bo | {"access_token": phone["access_token"]}
    for gateway in (one, two):
        assert gateway.request("GET", "/v1/me/buddyships", phone).status_code == 200
    assert one.request("POST", "/v1/auth/password", bo, json={
        "current_password": PASSWORD, "new_password": "another long passphrase"}
    ).status_code == 204
    for gateway in (one, two):
        assert gateway.request("GET", "/v1/me/buddyships", phone).status_code == 401
        assert gateway.request("GET", "/v1/me/buddyships", bo).status_code == 200


def test_a_change_profiles_makes_on_its_own_reaches_both_gateways_through_its_event(system):
    one, two = system["gateway"], system["second"]
    ada = one.sign_up("Ada", "en")
    for gateway in (one, two):
        assert gateway.request("GET", "/v1/me", ada).json()["revision"] == 1
    with profiles(system["amqp_uri"]) as services:  # no gateway asked: only the event tells
        services.profiles.update_profile(ada["id"], {"display_name": "Ada elsewhere"})
    for gateway in (one, two):
        eventually(lambda g=gateway: g.request("GET", "/v1/me", ada).json()["revision"] == 2,
                   timeout=10)


def test_a_member_who_leaves_leaves_nothing_in_the_cache(system, redis_url):
    one, two = system["gateway"], system["second"]
    stack = system["stack"]
    ada = one.sign_up("Ada", "en")
    for gateway in (one, two):
        assert gateway.request("GET", "/v1/me", ada).status_code == 200
    held = cached(stack, redis_url, ada["id"])
    assert held.get(b"doc") and [field for field in held if field.startswith(b"s:")]
    assert two.request("DELETE", "/v1/me", ada, json={"password": PASSWORD}).status_code == 204
    for gateway in (one, two):
        assert gateway.request("GET", "/v1/me", ada).status_code == 401
    assert cached(stack, redis_url, ada["id"]) == {b"gone": b"1"}

    # Erased by profiles without a gateway's request (as a decoy account is): member.left
    # buries what the gateways held.
    bo = one.sign_up("Bo", "en")
    assert two.request("GET", "/v1/me", bo).status_code == 200
    with profiles(system["amqp_uri"]) as services:
        services.profiles.leave(bo["id"], {"password": PASSWORD})
    eventually(lambda: cached(stack, redis_url, bo["id"]) == {b"gone": b"1"}, timeout=10)
