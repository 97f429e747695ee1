"""Every refusal is an RFC 9457 problem document naming what was wrong and how to fix it.

No traceback ever leaves the gateway: unexpected failures are logged with the correlation id
and answered with a problem that quotes it.
"""

import socket

from amqp.exceptions import ConnectionError as AmqpConnectionError
from amqp.exceptions import NotFound as AmqpNotFound
from flask import current_app, g, jsonify
from kombu.exceptions import OperationalError
from nameko.exceptions import RemoteError, RpcTimeout, UnknownService
from opentelemetry import trace
from pymongo.errors import ConnectionFailure
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from workbuddy_contracts.errors import Refusal
from workbuddy_contracts.i18n import say, title, translate
from workbuddy_platform import tracing
from workbuddy_platform.logs import get_logger

log = get_logger(__name__)

CONTENT_TYPE = "application/problem+json"

# A 503 or 504 passes by itself (a service restarting, a broker or store away, a slow link):
# it says when to ask again (RFC 9110 §10.2.3), so that clients pace their retries instead
# of piling onto a system that is recovering.
RETRY_AFTER_SECONDS = 5


def problem(status: int, detail: str, errors: dict | None = None, **params):
    """``detail`` is an English template from workbuddy_contracts.i18n (or a message already
    said in the caller's language, such as a refusal's); ``errors`` are messages per field."""
    body = {
        "type": "about:blank",
        "title": title(status, HTTP_STATUS_CODES.get(status, "Error")),
        "status": status,
        "detail": say(detail, **params),
        "correlation_id": getattr(g, "correlation_id", None),
    }
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.content_type = CONTENT_TYPE
    if status in (503, 504):
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def from_http_exception(exc: HTTPException):
    """werkzeug/webargs errors; webargs puts per-location field messages in exc.data."""
    messages = (getattr(exc, "data", None) or {}).get("messages")
    if messages:
        errors = {field: [translate(m) for m in found] for field, found in _flatten(messages).items()}
        return problem(exc.code, "the request is not valid: check {fields}", errors,
                       fields=", ".join(sorted(errors)))
    if exc.code == 429:
        return problem(429, "too many requests ({limit}); wait for the number of seconds in "
                            "Retry-After, then try again", limit=exc.description)
    if exc.code == 413:
        return problem(413, "the request body is larger than {limit} KiB; send a smaller one",
                       limit=current_app.config["MAX_CONTENT_LENGTH"] // 1024)
    if exc.code in _OWN_WORDS:
        return _with_allow(problem(exc.code, _OWN_WORDS[exc.code]), exc)
    return problem(exc.code or 500, exc.description or HTTP_STATUS_CODES.get(exc.code, ""))


def _with_allow(response, exc: HTTPException):
    """A 405 names the methods the path does serve (RFC 9110, 15.5.6), as werkzeug knows them."""
    if exc.code == 405 and getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    return response


_OWN_WORDS = {404: "this path does not exist; see /docs for the API",
              405: "this method is not allowed here; see /docs for the API"}


def _flatten(messages: dict) -> dict[str, list[str]]:
    # {"json": {"note": ["Longer than maximum length 500."]}} -> {"note": [...]}
    # {"json": {"call_me": {"times": {0: ["Not a valid…"]}}}} -> {"call_me.times": [...]}
    # {"json": ["Invalid JSON body."]} -> {"body": ["Invalid JSON body."]}
    errors: dict[str, list[str]] = {}
    for location, value in messages.items():
        if isinstance(value, dict):
            for field, problems in value.items():
                _by_path(errors, "body" if field == "_schema" else str(field), problems)
        else:
            errors.setdefault("body" if location == "json" else location, []).extend(
                str(p) for p in (value if isinstance(value, list) else [value]))
    return errors


def _by_path(errors: dict[str, list[str]], path: str, problems) -> None:
    """A nested field's messages under its path (keys.auth); a list's items' messages under
    the list's name (call_me.times), as the services name them."""
    if isinstance(problems, dict):
        for key, inner in problems.items():
            inside = key == "_schema" or isinstance(key, int)
            _by_path(errors, path if inside else f"{path}.{key}", inner)
        return
    errors.setdefault(path, []).extend(
        str(p) for p in (problems if isinstance(problems, list) else [problems]))


# pymongo's errors for a database that cannot be reached (as nameko names them over RPC).
STORE_UNREACHABLE = {"ServerSelectionTimeoutError", "AutoReconnect", "NetworkTimeout",
                     "ConnectionFailure", "NotPrimaryError", "ExecutionTimeout"}


def _store_unreachable():
    # Nothing was half-written (each change is one transaction): the same request, with the
    # same Idempotency-Key, can simply be sent again.
    return problem(503, "a service cannot reach its database; nothing was changed: retry in "
                        "a moment (with the same Idempotency-Key)")


def register(app) -> None:
    @app.errorhandler(Refusal)
    def refused(exc: Refusal):
        return problem(exc.status, exc.message, {exc.field: [exc.message]} if exc.field else None)

    @app.errorhandler(RpcTimeout)
    def timed_out(exc):
        log.error("rpc.timeout", call=str(exc))
        return problem(504, "a service did not answer in time; retry in a moment")

    @app.errorhandler(UnknownService)
    def not_running(exc):
        service = exc.args[0] if exc.args else "requested"
        log.error("rpc.unknown_service", service=service)
        return problem(503, "the {service} service is not running; retry in a moment",
                       service=service)

    @app.errorhandler(OperationalError)
    @app.errorhandler(socket.error)
    @app.errorhandler(AmqpConnectionError)  # e.g. CONNECTION_FORCED: the broker is shutting down
    # On a cluster, a call in flight when a node dies reconnects to another node and declares
    # its reply queue again, which the broker refuses while the queue's home node is down.
    @app.errorhandler(AmqpNotFound)
    def broker_down(exc):
        log.error("rpc.broker_unreachable", error=str(exc))
        return problem(503, "the message broker is unreachable; retry in a moment")

    @app.errorhandler(ConnectionFailure)
    def own_store_down(exc: ConnectionFailure):  # the gateway's sessions live in the store too
        log.error("store.unreachable", error=str(exc))
        return _store_unreachable()

    @app.errorhandler(RemoteError)
    def service_failed(exc: RemoteError):
        if exc.exc_type in STORE_UNREACHABLE:
            log.error("rpc.store_unreachable", exc_type=exc.exc_type, value=exc.value)
            return _store_unreachable()
        log.error("rpc.remote_error", exc_type=exc.exc_type, value=exc.value)
        return problem(502, "a service failed while handling this request; it has been logged "
                            "under the correlation id")

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return from_http_exception(exc)
        log.exception("request.failed")
        tracing.failed(trace.get_current_span(), exc)  # the request's span: answered here, it never sees it
        return problem(500, "something went wrong on our side; it has been logged under the "
                            "correlation id")
