"""The gateway's answers when things go wrong: RFC 9457 problems, never a traceback, always the
correlation id. The services are a fake with the same ``call`` as workbuddy_gateway.rpc."""

import json
import re
from dataclasses import replace

import pytest
from amqp.exceptions import ConnectionForced
from amqp.exceptions import NotFound as AmqpNotFound
from flask_jwt_extended import create_access_token
from kombu.exceptions import OperationalError
from nameko.exceptions import RemoteError, RpcTimeout, UnknownService

from workbuddy_contracts.errors import Conflict, Forbidden, Invalid, NotFound, Refusal
from workbuddy_contracts.profile import default_profile
from workbuddy_gateway.app import create_app
from workbuddy_gateway.settings import GatewaySettings
from workbuddy_platform.idempotency import KEY_FORMAT

PROBLEM = "application/problem+json"
MEMBER = {"id": "m-1", "email": "alice@example.org", "display_name": "Alice", "language": "en",
          "registered_at": "2025-06-01T12:00:00+00:00", "profile": default_profile("en"),
          "revision": 1}
SECRET = "password=hunter2 at /srv/app/secret.py line 42"


class FakeServices:
    """Answers from ``answers[(service, method)]``: a value, an exception to raise, or a
    function of the call's arguments. Records every call."""

    def __init__(self, **answers):
        self.answers = {tuple(k.split("__")): v for k, v in answers.items()}
        self.calls: list[tuple] = []
        self.languages: list[str | None] = []

    def call(self, service, method, *args, correlation_id, language=None, **kwargs):
        self.calls.append((service, method, args, kwargs, correlation_id))
        self.languages.append(language)
        answer = self.answers.get((service, method))
        if answer is None:
            raise AssertionError(f"unexpected call {service}.{method}{args}")
        if isinstance(answer, BaseException):
            raise answer
        return answer(*args, **kwargs) if callable(answer) else answer


JWT_SECRET = "unit-test-secret-" + "x" * 32
SETTINGS = GatewaySettings(jwt_secret=JWT_SECRET)


class FakeSessions:
    """Every session is open; opening one always gives the same tokens."""

    def is_open(self, sid, *looked):
        return True

    def open(self, member_id):
        return "s-1", "s-1.refresh"

    def settle(self, still_members):
        return []


class Client:
    """Flask's test client, signed in as member m-1 unless told otherwise."""

    def __init__(self, services: FakeServices, settings: GatewaySettings = SETTINGS):
        app = create_app(settings, services=services, sessions=FakeSessions())
        with app.app_context():
            token = create_access_token(identity="m-1", additional_claims={"sid": "s-1"})
        self.client = app.test_client()
        self.auth = {"Authorization": f"Bearer {token}"}

    def __getattr__(self, method):
        def send(path, headers=None, **kwargs):
            return getattr(self.client, method)(path, headers={**self.auth, **(headers or {})},
                                                **kwargs)
        return send


def client_for(services: FakeServices, settings: GatewaySettings = SETTINGS) -> Client:
    return Client(services, settings)


def get_member_raising(exc: BaseException):
    services = FakeServices(profiles__get_member=exc)
    return services, client_for(services).get("/v1/me")


def problem_of(response) -> dict:
    assert response.content_type == PROBLEM
    body = response.get_json()
    assert body["status"] == response.status_code
    assert body["correlation_id"] == response.headers["X-Correlation-Id"]
    return body


# --- refusals from the services ------------------------------------------------------------

@pytest.mark.parametrize("exc, status", [
    (NotFound("no member has the id 'm-1'", "member_id"), 404),
    (Conflict("that email is taken", "email"), 409),
    (Invalid("note: too long", "note"), 422),
    (Forbidden("only the invitee answers", "member_id"), 403),
    (Refusal("cannot do that", "thing"), 400),
])
def test_a_refusal_becomes_a_problem_naming_the_field(exc, status):
    _, response = get_member_raising(exc)
    assert response.status_code == status
    body = problem_of(response)
    assert body["detail"] == exc.message
    assert body["errors"] == {exc.field: [exc.message]}
    assert body["title"]  # e.g. "Not Found"


def test_a_refusal_without_a_field_has_no_errors():
    _, response = get_member_raising(Conflict("try again later"))
    assert response.status_code == 409
    assert "errors" not in problem_of(response)


# --- failures of the plumbing --------------------------------------------------------------

def test_a_service_that_does_not_answer_in_time_is_504():
    _, response = get_member_raising(RpcTimeout("profiles.get_member"))
    assert response.status_code == 504 and response.headers["Retry-After"] == "5"
    assert "did not answer in time" in problem_of(response)["detail"]


def test_a_service_that_is_not_running_is_503_naming_it():
    _, response = get_member_raising(UnknownService("profiles"))
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "profiles" in problem_of(response)["detail"]


def test_the_503_detail_reads_naturally():
    _, response = get_member_raising(UnknownService("profiles"))
    assert problem_of(response)["detail"] == (
        "the profiles service is not running; retry in a moment")


@pytest.mark.parametrize("exc", [OperationalError("connection refused"),
                                 ConnectionRefusedError(111, "Connection refused"),
                                 TimeoutError("timed out"),
                                 ConnectionForced("(320) CONNECTION_FORCED - broker forced "
                                                  "connection closure with reason 'shutdown'"),
                                 AmqpNotFound("Queue.declare: (404) NOT_FOUND - home node "
                                              "'rabbit@n0' of durable queue 'rpc.reply-x' in "
                                              "vhost '/' is down or inaccessible")])
def test_an_unreachable_broker_is_503(exc):
    _, response = get_member_raising(exc)
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "broker is unreachable" in problem_of(response)["detail"]


def test_a_service_that_failed_is_502_without_its_details():
    _, response = get_member_raising(RemoteError("KeyError", SECRET))
    assert response.status_code == 502
    assert SECRET not in response.get_data(as_text=True)
    assert "correlation id" in problem_of(response)["detail"]


@pytest.mark.parametrize("error", ["ServerSelectionTimeoutError", "AutoReconnect", "NetworkTimeout"])
def test_a_service_whose_database_is_down_is_503_that_says_retry_with_the_same_key(error):
    _, response = get_member_raising(RemoteError(error, "127.0.0.1:27017: [Errno 111] " + SECRET))
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    detail = problem_of(response)["detail"]
    assert "nothing was changed" in detail and "same Idempotency-Key" in detail
    assert SECRET not in response.get_data(as_text=True)


def test_an_unexpected_failure_is_500_without_a_traceback():
    _, response = get_member_raising(RuntimeError(SECRET))
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and SECRET not in text and "RuntimeError" not in text
    assert problem_of(response)["detail"].startswith("something went wrong on our side")


def test_an_unknown_path_is_a_404_problem():
    response = client_for(FakeServices()).get("/v1/nowhere")
    assert response.status_code == 404
    problem_of(response)


def test_a_wrong_method_is_a_405_problem():
    response = client_for(FakeServices()).delete("/v1/me/moments")
    assert response.status_code == 405
    problem_of(response)


# --- correlation ids -----------------------------------------------------------------------

def test_a_valid_correlation_id_is_echoed_and_passed_to_the_service():
    services = FakeServices(profiles__get_member=MEMBER)
    response = client_for(services).get("/v1/me",
                                        headers={"X-Correlation-Id": "req-42.retry_1"})
    assert response.status_code == 200
    assert response.headers["X-Correlation-Id"] == "req-42.retry_1"
    assert services.calls == [("profiles", "get_member", ("m-1",), {}, "req-42.retry_1")]


@pytest.mark.parametrize("given", ["has spaces", "x" * 200, "x" * 65, "semi;colon", "é",
                                   ""])
def test_an_invalid_correlation_id_is_replaced(given):
    services = FakeServices(profiles__get_member=MEMBER)
    response = client_for(services).get("/v1/me", headers={"X-Correlation-Id": given})
    replaced = response.headers["X-Correlation-Id"]
    assert replaced != given
    assert re.fullmatch(r"[0-9a-f]{32}", replaced)
    assert services.calls[0][-1] == replaced


def test_a_correlation_id_of_64_characters_is_kept():
    given = "a" * 64
    response = client_for(FakeServices(profiles__get_member=MEMBER)).get(
        "/v1/me", headers={"X-Correlation-Id": given})
    assert response.headers["X-Correlation-Id"] == given


def test_each_request_without_an_id_gets_its_own():
    client = client_for(FakeServices(profiles__get_member=MEMBER))
    ids = {client.get("/v1/me").headers["X-Correlation-Id"] for _ in range(3)}
    assert len(ids) == 3


def test_a_problem_quotes_the_correlation_id_it_was_given():
    services = FakeServices(profiles__get_member=NotFound("no such member", "member_id"))
    response = client_for(services).get("/v1/me",
                                        headers={"X-Correlation-Id": "trace-me"})
    assert problem_of(response)["correlation_id"] == "trace-me"


# --- request validation --------------------------------------------------------------------

def test_a_registration_lists_every_bad_field_and_reaches_no_service():
    services = FakeServices()
    response = client_for(services).post("/v1/auth/signup", json={
        "email": "not-an-email", "display_name": "", "language": "de", "password": "short"})
    assert response.status_code == 422
    body = problem_of(response)
    assert set(body["errors"]) == {"email", "display_name", "language", "password"}
    assert all(isinstance(m, list) and m for m in body["errors"].values())
    assert "display_name, email, language, password" in body["detail"]
    assert services.calls == []


def test_missing_fields_are_each_named():
    response = client_for(FakeServices()).post("/v1/auth/signup", json={})
    assert response.status_code == 422
    assert set(problem_of(response)["errors"]) == {"email", "display_name", "language",
                                                   "password"}


def test_a_note_too_long_is_named():
    response = client_for(FakeServices()).post("/v1/me/moments",
                                               json={"kind": "milestone", "note": "x" * 501})
    assert response.status_code == 422
    assert set(problem_of(response)["errors"]) == {"note"}


def test_a_bad_query_parameter_is_named():
    response = client_for(FakeServices()).get("/v1/me/moments?limit=0")
    assert response.status_code == 422
    assert set(problem_of(response)["errors"]) == {"limit"}


def test_malformed_json_is_a_400_about_the_body():
    services = FakeServices()
    response = client_for(services).post("/v1/auth/signup", data='{"email": ',
                                         content_type="application/json")
    assert response.status_code == 400
    body = problem_of(response)
    assert list(body["errors"]) == ["body"]
    assert body["errors"]["body"]
    assert services.calls == []


def test_an_oversized_body_is_a_413_problem_that_reaches_no_service():
    services = FakeServices()
    response = client_for(services).post("/v1/auth/signup", json={
        "email": "a@example.org", "display_name": "A", "language": "en",
        "padding": "x" * (64 * 1024)})
    assert response.status_code == 413
    assert "larger than 64 KiB" in problem_of(response)["detail"]
    assert services.calls == []


def test_a_json_body_that_is_not_an_object_is_refused_as_the_body():
    response = client_for(FakeServices()).post("/v1/auth/signup", data=json.dumps(["a"]),
                                               content_type="application/json")
    assert response.status_code == 422
    assert list(problem_of(response)["errors"]) == ["body"]


# --- the happy path the problems are measured against --------------------------------------

def test_a_valid_sign_up_passes_the_validated_request_to_profiles():
    services = FakeServices(profiles__register={"member": MEMBER, "replayed": False})
    request = {"email": "alice@example.org", "display_name": "Alice", "language": "en",
               "password": "correct horse battery"}
    response = client_for(services).post("/v1/auth/signup", json=request)
    assert response.status_code == 201
    body = response.get_json()
    assert body["member"] == MEMBER and body["refresh_token"] == "s-1.refresh"
    assert body["token_type"] == "Bearer" and body["access_token"] and body["expires_in"] > 0
    [(service, method, args, _, _)] = services.calls
    assert (service, method) == ("profiles", "register")
    assert args[0] == request | {"invitation": None}  # no invitation
    assert re.fullmatch(r"request-[0-9a-f]{32}", args[1])  # no Idempotency-Key: one of its own
    assert "Idempotent-Replayed" not in response.headers


def test_a_replayed_sign_up_says_so():
    services = FakeServices(profiles__register={"member": MEMBER, "replayed": True})
    response = client_for(services).post("/v1/auth/signup", headers={"Idempotency-Key": "k-1"},
                                         json={"email": "alice@example.org", "display_name": "A",
                                               "language": "en", "password": "long enough pw"})
    assert response.status_code == 201 and response.headers["Idempotent-Replayed"] == "true"
    assert services.calls[0][2][1] == "k-1"


def test_each_creation_sent_without_a_key_carries_one_of_its_own():
    """A call the broker hands the service twice (it went away before the answer) then finds
    what its first run made; two requests still make two things."""
    services = FakeServices(profiles__log_moment=lambda member, request, key: {
        "moment": {"id": key, "member_id": member, "kind": request["kind"], "note": None,
                   "logged_at": "2026-11-27T09:00:00+00:00"}, "replayed": False})
    client = client_for(services)
    for _ in range(2):
        assert client.post("/v1/me/moments", json={"kind": "client_won"}).status_code == 201
    first, second = (call[2][2] for call in services.calls)
    assert first != second and all(KEY_FORMAT.fullmatch(k) for k in (first, second))

    client.post("/v1/me/moments", json={"kind": "client_won"}, headers={"Idempotency-Key": "k-9"})
    assert services.calls[-1][2][2] == "k-9"  # the client's own, untouched


@pytest.mark.parametrize("key", ["", "has space", "x" * 129, "é"])
def test_a_malformed_idempotency_key_is_refused_before_any_service(key):
    services = FakeServices()
    response = client_for(services).post("/v1/me/moments", headers={"Idempotency-Key": key},
                                         json={"kind": "client_won"})
    assert response.status_code == 422
    assert set(problem_of(response)["errors"]) == {"Idempotency-Key"}
    assert services.calls == []


def test_proposing_to_an_unknown_member_is_404_naming_buddy_id_and_never_reaches_matching():
    services = FakeServices(profiles__get_members=[])  # m-404 does not exist
    response = client_for(services).post("/v1/me/buddyships", json={"buddy_id": "m-404"})
    assert response.status_code == 404
    assert set(problem_of(response)["errors"]) == {"buddy_id"}
    assert [c[:2] for c in services.calls] == [("profiles", "get_members")]


# --- the caller's language -----------------------------------------------------------------

def test_a_problem_speaks_french_to_a_french_client():
    services = FakeServices()
    response = client_for(services).post("/v1/auth/signup", json={"email": "nope"},
                                         headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    body = problem_of(response)
    assert response.headers["Content-Language"] == "fr"
    assert body["title"] == "Requête non traitable"
    assert body["detail"].startswith("la requête n'est pas valide : vérifiez ")
    assert body["errors"]["email"] == ["Adresse e-mail invalide."]
    assert body["errors"]["password"] == ["Champ obligatoire manquant."]


def test_english_is_the_default_and_the_language_reaches_the_services():
    services = FakeServices(profiles__get_member=MEMBER)
    client = client_for(services)
    assert client.get("/v1/me").headers["Content-Language"] == "en"
    client.get("/v1/me", headers={"Accept-Language": "fr"})
    client.get("/v1/me", headers={"Accept-Language": "de, en;q=0.1"})
    assert services.languages == ["en", "fr", "en"]


def test_the_gateways_own_refusals_are_translated_too():
    client = client_for(FakeServices())
    unauthenticated = client.client.get("/v1/me", headers={"Accept-Language": "fr"})
    assert problem_of(unauthenticated)["detail"].startswith("connectez-vous d'abord")
    assert problem_of(client.get("/v1/nowhere", headers={"Accept-Language": "fr"}))[
        "detail"] == "ce chemin n'existe pas ; voyez /docs pour l'API"


# --- live streams keep threads for the rest of the API ----------------------------------------

def test_streams_beyond_the_limit_get_503_with_retry_after_and_a_closed_one_frees_its_slot():
    client = client_for(FakeServices(), replace(SETTINGS, stream_max_open=2))
    held = [client.get("/v1/me/notifications/stream", buffered=False) for _ in range(2)]
    assert [r.status_code for r in held] == [200, 200]

    refused = client.get("/v1/me/notifications/stream", headers={"Accept-Language": "fr"})
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "5"
    assert "trop de flux en direct" in problem_of(refused)["detail"]

    held[1].close()  # the app went away before reading a byte: its slot is free again
    again = client.get("/v1/me/notifications/stream", buffered=False)
    assert again.status_code == 200
    again.close()
    held[0].close()
