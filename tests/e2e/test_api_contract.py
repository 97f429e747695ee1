"""The API keeps every promise of its document: `schemathesis run --checks all` against the
live gateway, with every phase (examples, coverage, fuzzing, and the stateful one that follows
the document's links), reports nothing.

The run is the CLI's, as anyone would run it (tests/e2e/contract/schemathesis.toml says how:
derandomized, so that a run repeats the previous one). Its hooks (tests/e2e/contract/hooks.py)
sign the requests in as the member each is meant for, and add the promises of docs/api.md to
the checks: X-Correlation-Id on every answer, refusals as problem documents. Every operation
of the live document is run, so a new one is checked without a line here.
"""

import json
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path

import pytest
import requests
import schemathesis

from ..support.api import PASSWORD

REPO = Path(__file__).resolve().parents[2]
CONFIG = Path(__file__).resolve().parent / "contract" / "schemathesis.toml"
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
PHASES = "examples,coverage,fuzzing,stateful"
OWN_CHECKS = {"correlation_id_is_returned", "refusals_are_problem_documents"}


class Run:
    """What one `schemathesis run` said: its output, its JSON report and its events."""

    def __init__(self, completed: subprocess.CompletedProcess, reports: Path):
        self.output = completed.stdout + completed.stderr
        self.exit_code = completed.returncode
        found = sorted(reports.glob("json-*.json"))
        assert found, f"schemathesis wrote no report:\n{self.output[-3000:]}"
        self.report = json.loads(found[0].read_text())
        self.events = [json.loads(line) for path in reports.glob("ndjson-*.ndjson")
                       for line in path.read_text().splitlines() if line]

    def calls(self, phase: str | None = None):
        """(label, status, link followed or None, checks run) of every request made."""
        for event in self.events:
            finished = event.get("ScenarioFinished")
            if not finished or (phase and finished["phase"] != phase):
                continue
            recorder = finished["recorder"]
            checks = defaultdict(set)
            for case_id, results in recorder.get("checks", {}).items():
                checks[case_id] |= {result["name"] for result in results}
            for case_id, case in recorder.get("cases", {}).items():
                value = case["value"]
                response = (recorder.get("interactions", {}).get(case_id) or {}).get("response")
                link = (case.get("transition") or {}).get("id") \
                    if case.get("is_transition_applied") else None
                yield (f"{value['method']} {value['path']}",
                       response["status_code"] if response else None, link, checks[case_id])


# Once per test session, not per module: a worker of pytest-xdist may run the tests of this
# module apart from one another, and each return to the module ran schemathesis again (70 s).
@pytest.fixture(scope="session")
def run(stack, tmp_path_factory) -> Run:
    reports = tmp_path_factory.mktemp("schemathesis")
    completed = subprocess.run(
        [str(SCHEMATHESIS), "--config-file", str(CONFIG), "run",
         f"{stack.gateway_url}/openapi.json", "--checks", "all", "--phases", PHASES,
         "--no-color", "--report", "json,ndjson", "--report-dir", str(reports)],
        cwd=REPO, capture_output=True, text=True, timeout=900)
    return Run(completed, reports)


def test_schemathesis_with_every_check_and_phase_finds_nothing(run):
    report = run.report
    assert report["complete"] and report["stop_reason"] == "completed", run.output[-3000:]
    assert (report["failures"], report["errors"]) == ([], []), run.output[-6000:]
    assert run.exit_code == 0, run.output[-3000:]


def test_every_operation_of_the_live_document_is_run(run, gateway):
    live = gateway.request("GET", "/openapi.json").json()
    count = sum(1 for item in live["paths"].values() for method in item
                if method in ("get", "put", "post", "delete", "patch"))
    operations = run.report["operations"]
    assert (operations["selected"], operations["tested"], operations["skipped"],
            operations["errored"]) == (count, count, 0, 0), operations
    assert {phase: status["status"] for phase, status in run.report["phases"].items()} == \
        dict.fromkeys(PHASES.split(","), "success")


def test_the_api_guides_promises_are_checked_on_every_answer(run):
    """The project's own checks run with schemathesis' own, on every answer checked (the
    requests a check makes itself, e.g. without credentials, are judged by that check)."""
    checked = [(label, checks) for label, status, _, checks in run.calls() if checks]
    assert len(checked) > 100, checked
    unchecked = [label for label, checks in checked if not OWN_CHECKS <= checks]
    assert not unchecked, f"{len(unchecked)} answers without the API guide's checks: {unchecked[:5]}"


def test_the_stateful_phase_follows_the_documents_links(run):
    """Scenarios go from answer to request through the links; which ones a run takes is
    schemathesis' choice (the journey below takes them all)."""
    followed = {link for _, status, link, _ in run.calls("stateful") if link and status}
    assert followed, "the stateful phase never followed a link of the document"


# --- the document's links, followed as a client would ------------------------------------

class Walker:
    """Follows the links of the live document by name, resolving their runtime expressions
    ($response.body#/…, $request.body#/…, $request.path.…) from the previous exchange."""

    def __init__(self, gateway):
        self.gateway = gateway
        self.document = gateway.request("GET", "/openapi.json").json()
        self.last: dict = {}

    def call(self, label: str, member: dict | None, *, path: dict | None = None,
             body: dict | None = None, query: dict | None = None) -> requests.Response:
        method, template = label.split(" ", 1)
        url = template.format(**(path or {}))
        response = self.gateway.request(method, url, member, json=body, params=query)
        self.last = {"label": label, "path": path or {}, "body": body or {},
                     "status": str(response.status_code),
                     "answer": response.json() if response.content else None}
        return response

    def follow(self, name: str, member: dict | None, **extra_body) -> requests.Response:
        method, path = self.last["label"].split(" ", 1)
        response = self.document["paths"][path][method.lower()]["responses"][self.last["status"]]
        links = response.get("links", {})
        assert name in links, f"{self.last['label']} {self.last['status']} links {list(links)}"
        link = links[name]
        pointer = link["operationRef"].removeprefix("#/paths/")
        target, target_method = pointer.rsplit("/", 1)
        target = target.replace("~1", "/").replace("~0", "~")
        parameters = {k: self.value(v) for k, v in link.get("parameters", {}).items()}
        in_path = {k: v for k, v in parameters.items() if "{" + k + "}" in target}
        query = {k: v for k, v in parameters.items() if k not in in_path}
        body = {k: self.value(v) for k, v in link.get("requestBody", {}).items()} | extra_body
        return self.call(f"{target_method.upper()} {target}", member, path=in_path,
                         body=body or None, query=query or None)

    def value(self, expression: str):
        source, _, pointer = expression.partition("#")
        if source == "$response.body":
            found = self.last["answer"]
        elif source == "$request.body":
            found = self.last["body"]
        else:
            assert source.startswith("$request.path."), expression
            return self.last["path"][source.removeprefix("$request.path.")]
        for step in filter(None, pointer.split("/")):
            found = found[int(step)] if isinstance(found, list) else found[step]
        return found


def test_the_links_lead_from_a_sign_up_to_a_read_notification(gateway):
    """sign-up -> propose -> accept -> moment -> reaction -> notifications -> read, each step
    one of the document's links from the answer before, made by the member it is meant for."""
    walker, ana = Walker(gateway), gateway.sign_up("Ana", "en")
    email = f"ben-{uuid.uuid4().hex[:8]}@example.org"
    signed_up = walker.call("POST /v1/auth/signup", None, body={
        "email": email, "password": PASSWORD, "display_name": "Ben", "language": "en"})
    assert signed_up.status_code == 201, signed_up.text
    ben = signed_up.json()  # its access_token signs Ben in
    assert walker.follow("Propose", ana).status_code == 201, walker.last
    accepted = walker.follow("Accept", ben)  # the member the proposal awaits
    assert accepted.status_code == 200 and accepted.json()["state"] == "active", walker.last
    assert walker.follow("LogMoment", ben, kind="client_won", note="Signed!").status_code == 201
    moment = walker.last
    deadline = time.monotonic() + 15  # the buddyship reaches profiles as an event
    while (reacted := walker.follow("React", ana, kind="cheer")).status_code == 404:
        assert time.monotonic() < deadline, walker.last
        time.sleep(0.2)
        walker.last = moment
    assert reacted.status_code == 201, walker.last
    reaction = walker.last
    deadline = time.monotonic() + 15  # the notification comes as an event too
    while not walker.follow("Notifications", ben).json()["items"]:
        assert time.monotonic() < deadline, "no notification for the reaction"
        time.sleep(0.2)
        walker.last = reaction
    read = walker.follow("Read", ben)
    assert read.status_code == 200 and read.json()["read_at"], walker.last
    unread = walker.follow("Unread", ben)
    assert unread.status_code == 200 and unread.json()["read_at"] is None, walker.last


@pytest.mark.parametrize("oversized, status", [
    ({"query": {"cursor": "x" * 5000}}, 414),  # over gunicorn's request line limit (4094 bytes)
    ({"headers": {f"X-Filler-{i}": "x" * 100 for i in range(120)}}, 431),  # over its 100 headers
])
def test_a_request_too_large_for_the_server_is_refused_as_documented(stack, gateway, oversized,
                                                                     status):
    # gunicorn refuses these before the app sees them; its worker answers as the API does.
    api = schemathesis.openapi.from_url(f"{stack.gateway_url}/openapi.json", timeout=20)
    credentials = {"Authorization": f"Bearer {gateway.sign_up('Contract', 'en')['access_token']}"}
    case = api["/v1/me/moments"]["GET"].Case(query=oversized.get("query", {}))
    with requests.Session() as http:
        response = case.call(session=http, headers=credentials | oversized.get("headers", {}),
                             timeout=30)
    assert response.status_code == status, response.text
    assert response.json()["detail"], response.text
    case.validate_response(response, headers=credentials, checks=[
        schemathesis.checks.not_a_server_error, schemathesis.checks.status_code_conformance,
        schemathesis.checks.content_type_conformance,
        schemathesis.checks.response_schema_conformance])
