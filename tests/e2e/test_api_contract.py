"""Schemathesis against the live gateway: every operation of its /openapi.json, called as a
freshly signed-up member with generated requests, valid and invalid. No answer is a 5xx and
every answer is one the document describes (status, media type, body, headers); the promises
of docs/api.md are checked too (X-Correlation-Id, problem documents).

The operations are listed at collection time from the code that serves the document (the
same source as docs/openapi.json), and the live document must list the same ones. Each
operation is exercised once, with a member of its own (logging out or changing the password
then ends only that session): every answer goes through every check, and three tests per
operation give the verdicts, so that a known failure of one kind is expected on its own
(xfail, strict) without hiding the others.

Requests are generated derandomized, so that a run repeats the previous one.
"""

import functools
import json
import time

import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.errors import FailureGroup

from workbuddy_gateway.openapi import spec_text

from ..support.api import PASSWORD

EXAMPLES = 25
# A stream lasts STREAM_MAX_SECONDS (3 s here): a few calls say enough about it.
EXAMPLES_OF = {"GET /v1/me/notifications/stream": 4}
PROBLEM = "application/problem+json"
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}

DOCUMENT = json.loads(spec_text())
OPERATIONS = sorted(f"{method.upper()} {path}" for path, item in DOCUMENT["paths"].items()
                    for method in item if method in HTTP_METHODS)


# --- what to check -------------------------------------------------------------------------

def on_success(check):
    """The check, applied to 1xx-3xx answers only."""
    @functools.wraps(check)
    def applied(ctx, response, case):
        return check(ctx, response, case) if response.status_code < 400 else True
    return applied


def on_errors(check):
    """The check, applied to 4xx-5xx answers only."""
    @functools.wraps(check)
    def applied(ctx, response, case):
        return check(ctx, response, case) if response.status_code >= 400 else True
    return applied


def correlation_id_is_returned(ctx, response, case):
    """docs/api.md: every response carries X-Correlation-Id."""
    assert response.headers.get("x-correlation-id", [""])[0], \
        f"{response.status_code} answer without X-Correlation-Id"


def refusals_are_problem_documents(ctx, response, case):
    """docs/api.md: every refusal is an RFC 9457 problem document with the messages per
    field in `errors`, and never a traceback."""
    if response.status_code < 400:
        return True
    media_type = response.headers.get("content-type", [""])[0].split(";")[0].strip()
    assert media_type == PROBLEM, f"{response.status_code} answered as {media_type!r}"
    body = response.json()
    assert isinstance(body, dict), body
    assert body.get("status") == response.status_code, body
    assert isinstance(body.get("type"), str) and body["type"], body
    assert isinstance(body.get("title"), str) and body["title"], body
    assert isinstance(body.get("detail"), str) and body["detail"], body
    assert body.get("correlation_id") == response.headers.get("x-correlation-id", [""])[0], body
    if "errors" in body:
        errors = body["errors"]
        assert isinstance(errors, dict) and errors, body
        sent = case.body if isinstance(case.body, dict) else {}
        for field, messages in errors.items():
            # A field the request did not send, named after Python's None: no field at all.
            assert field != "None" or "None" in sent, f"`errors` names no field: {body}"
            assert isinstance(messages, list) and messages, body
            assert all(isinstance(m, str) and m for m in messages), body
    assert "Traceback" not in response.text, response.text


OPENAPI = schemathesis.checks
CHECKS = {
    # No 5xx, and every answer as the OpenAPI document describes it; the media type and body
    # of the error answers are a verdict of their own.
    "documented": [
        OPENAPI.not_a_server_error,
        OPENAPI.status_code_conformance,
        OPENAPI.response_headers_conformance,
        on_success(OPENAPI.content_type_conformance),
        on_success(OPENAPI.response_schema_conformance),
    ],
    "documented errors": [
        on_errors(OPENAPI.content_type_conformance),
        on_errors(OPENAPI.response_schema_conformance),
    ],
    "api guide": [correlation_id_is_returned, refusals_are_problem_documents],
}

# Known failures, each expected (strict) where it was seen, so that a fix is noticed too.
# Known differences between the answers and their documentation, each an expected failure
# (strict: it fails loudly once fixed, so that the entry goes).
SPEC_GAPS: dict[str, str] = {}
GUIDE_BUGS: dict[str, str] = {}


# --- how to call ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def api_schema(stack):
    """The live document, as the gateway serves it."""
    return schemathesis.openapi.from_url(f"{stack.gateway_url}/openapi.json", timeout=20)


def prepared(label: str, gateway, member: dict) -> dict:
    """Data that exists, so that the successes are reached too, not only the refusals:
    keyword arguments for APIOperation.as_strategy (fixed parts; the rest is generated)."""
    if label == "POST /v1/auth/login":
        return {"body": {"email": member["email"], "password": PASSWORD}}
    if label == "POST /v1/auth/refresh":
        return {"body": {"refresh_token": member["refresh_token"]}}
    if label == "POST /v1/auth/password":
        return {"body": {"current_password": PASSWORD, "new_password": "a brand new passphrase"}}
    if label == "GET /v1/members/{member_id}":
        return {"path_parameters": {"member_id": member["id"]}}
    if label == "POST /v1/me/buddyships":
        return {"body": {"buddy_id": gateway.sign_up("Buddy", "fr")["id"]}}
    if label in ("POST /v1/me/buddyships/{buddyship_id}/accept",
                 "POST /v1/me/buddyships/{buddyship_id}/decline"):
        proposal = gateway.propose(gateway.sign_up("Proposer", "fr"), member)
        assert proposal.status_code == 201, proposal.text
        return {"path_parameters": {"buddyship_id": proposal.json()["id"]}}
    if label == "GET /v1/moments/{moment_id}/reactions":
        return {"path_parameters": {"moment_id": gateway.log_moment(member, "milestone")["id"]}}
    if label == "POST /v1/moments/{moment_id}/reactions":
        return {"path_parameters": {"moment_id": a_buddys_moment(gateway, member)["id"]}}
    if label == "GET /v1/members/{member_id}/moments":
        return {"path_parameters": {"member_id": a_buddys_moment(gateway, member)["member_id"]}}
    if label == "GET /v1/me/feed":
        a_buddys_moment(gateway, member)
    if label == "GET /v1/me/buddyships":
        assert gateway.propose(member, gateway.sign_up("Invitee", "fr")).status_code == 201
    if label == "GET /v1/me/moments":
        gateway.log_moment(member, "client_won", "Signed with Acme!")
    return {}


def a_buddys_moment(gateway, member: dict) -> dict:
    """A moment that a new buddy of the member logs once the member may see it."""
    buddy = gateway.sign_up("Buddy", "fr")
    gateway.become_buddies(buddy, member)
    deadline = time.monotonic() + 10  # the buddyship reaches profiles as an event
    while gateway.request("GET", f"/v1/members/{buddy['id']}/moments", member).status_code != 200:
        assert time.monotonic() < deadline, "the buddyship did not reach profiles in time"
        time.sleep(0.1)
    return gateway.log_moment(buddy, "client_won", "Signed with Acme!")


def cases(operation, fixed: dict):
    """Valid and invalid requests; invalid ones that drop the credentials are left out, as
    every call here is made as the member."""
    schema = operation.schema
    strategies = [
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE).filter(
            lambda case: not schema.is_security_param_negated(case)),
    ]
    if fixed:
        strategies.append(operation.as_strategy(GenerationMode.POSITIVE, **fixed))
    return st.one_of(strategies)


class Findings:
    """What one operation's run saw: every status, and per kind of check the first failures."""

    def __init__(self):
        self.statuses: list[int] = []
        self.failures: dict[str, list[str]] = {kind: [] for kind in CHECKS}

    def verdict(self, kind: str) -> None:
        failures = self.failures[kind]
        assert not failures, (f"{len(failures)} of {len(self.statuses)} answers failed; the "
                              f"first ones:\n\n" + "\n\n".join(failures[:3]))


def exercise(operation, strategy, member: dict, examples: int = EXAMPLES) -> Findings:
    """Calls the live gateway as the member with every generated request and runs every check
    on every answer, noting failures rather than stopping at one."""
    credentials = {"Authorization": f"Bearer {member['access_token']}"}
    findings = Findings()

    @hypothesis.settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                         phases=[Phase.explicit, Phase.generate],
                         suppress_health_check=list(HealthCheck))
    @hypothesis.given(case=strategy)
    def call_and_validate(case):
        response = case.call(session=http, headers=credentials, timeout=30)
        assert response.request.headers.get("Authorization") == credentials["Authorization"], \
            case.as_curl_command()
        findings.statuses.append(response.status_code)
        for kind, checks in CHECKS.items():
            try:
                case.validate_response(response, checks=checks,
                                       headers=credentials)
            except (FailureGroup, AssertionError) as failure:
                findings.failures[kind].append(str(failure))

    with requests.Session() as http:
        call_and_validate()
    return findings


@pytest.fixture(scope="module")
def run(api_schema, gateway):
    """The findings of an operation, from its one run (made by whichever test asks first)."""
    done: dict[str, Findings] = {}

    def findings_of(label: str) -> Findings:
        if label not in done:
            method, path = label.split(" ", 1)
            member = gateway.sign_up("Contract", "en")
            operation = api_schema[path][method]
            done[label] = exercise(operation, cases(operation, prepared(label, gateway, member)),
                                   member, EXAMPLES_OF.get(label, EXAMPLES))
        return done[label]

    return findings_of


# --- the verdicts --------------------------------------------------------------------------

def test_the_live_document_lists_the_operations_exercised_here(api_schema):
    live = sorted(result.ok().label for result in api_schema.get_all_operations())
    assert live == OPERATIONS


def expected(label: str, reason: str | None):
    return pytest.param(label, marks=pytest.mark.xfail(strict=True, reason=reason)) \
        if reason else label


@pytest.mark.parametrize("label", [expected(label, SPEC_GAPS.get(label)) for label in OPERATIONS])
def test_every_answer_is_documented_and_none_is_a_server_error(label, run):
    run(label).verdict("documented")


@pytest.mark.parametrize("label", OPERATIONS)
def test_error_answers_are_as_documented(label, run):
    findings = run(label)
    if not any(status >= 400 for status in findings.statuses):
        pytest.skip(f"no error answer reached in {len(findings.statuses)} requests: "
                    f"{sorted(set(findings.statuses))}")
    findings.verdict("documented errors")


@pytest.mark.parametrize("label", [expected(label, GUIDE_BUGS.get(label)) for label in OPERATIONS])
def test_answers_keep_the_promises_of_the_api_guide(label, run):
    """docs/api.md: X-Correlation-Id on every answer, refusals as problem documents."""
    run(label).verdict("api guide")


@pytest.mark.parametrize("oversized, status", [
    ({"query": {"cursor": "x" * 5000}}, 414),  # over gunicorn's request line limit (4094 bytes)
    ({"headers": {f"X-Filler-{i}": "x" * 100 for i in range(120)}}, 431),  # over its 100 headers
])
def test_a_request_too_large_for_the_server_is_refused_as_documented(api_schema, gateway,
                                                                     oversized, status):
    # gunicorn refuses these before the app sees them; its worker answers as the API does.
    credentials = {"Authorization": f"Bearer {gateway.sign_up('Contract', 'en')['access_token']}"}
    case = api_schema["/v1/me/moments"]["GET"].Case(query=oversized.get("query", {}))
    with requests.Session() as http:
        response = case.call(session=http, headers=credentials | oversized.get("headers", {}),
                             timeout=30)
    assert response.status_code == status, response.text
    assert response.json()["detail"], response.text
    case.validate_response(response, headers=credentials,
                           checks=[check for checks in CHECKS.values() for check in checks])
