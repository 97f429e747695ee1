"""gunicorn's threaded worker, whose own refusals of a request are problem documents.

gunicorn refuses a request line or headers over its limits, and HTTP it cannot parse, before
the app sees the request, with an HTML page and no correlation id. A client that built a long
URL (a long cursor, many query parameters), sent large headers or a malformed request gets,
like every other refusal of the API, an RFC 9457 problem with an X-Correlation-Id it can quote.
"""

import json
import uuid

from gunicorn import util
from gunicorn.http.errors import (
    ConfigurationProblem,
    ExpectationFailed,
    LimitRequestHeaders,
    LimitRequestLine,
    ParseException,
    UnsupportedTransferCoding,
)
from gunicorn.workers.gthread import ThreadWorker

from workbuddy_platform.logs import get_logger

from .api import notifications
from .problems import CONTENT_TYPE

log = get_logger(__name__)

# status, reason phrase, what to do about it (the request's language is not known yet: English)
REFUSED = {
    LimitRequestLine: (414, "URI Too Long",
                       "the request line is longer than {limit} bytes; shorten the query "
                       "(a page's cursor is the one the previous page returned)"),
    LimitRequestHeaders: (431, "Request Header Fields Too Large",
                          "the request's headers are too many or too large; send fewer or "
                          "shorter headers"),
    ExpectationFailed: (417, "Expectation Failed",
                        "the server cannot meet the request's Expect header ({error}); send the "
                        "request without it"),
    UnsupportedTransferCoding: (501, "Not Implemented",
                                "the request's transfer coding is not supported ({error}); send "
                                "the body with Content-Length or chunked"),
}
MALFORMED = (400, "Bad Request", "the request is not valid HTTP/1.1 ({error}); see RFC 9112, "
                                 "or use an HTTP library")


def problem_answer(status: int, reason: str, detail: str, correlation_id: str) -> bytes:
    body = json.dumps({"type": "about:blank", "title": reason, "status": status,
                       "detail": detail, "correlation_id": correlation_id}).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
            f"Content-Type: {CONTENT_TYPE}\r\nContent-Length: {len(body)}\r\n"
            f"X-Correlation-Id: {correlation_id}\r\n\r\n")
    return head.encode("latin-1") + body


class ProblemThreadWorker(ThreadWorker):
    def handle_exit(self, sig, frame):
        """SIGTERM: the live streams end too; the worker then finishes its other requests."""
        notifications.STOPPING.set()
        super().handle_exit(sig, frame)

    def handle_error(self, req, client, addr, exc):
        refusal = REFUSED.get(type(exc))
        if refusal is None and isinstance(exc, ParseException) \
                and not isinstance(exc, ConfigurationProblem):  # that one is the server's
            refusal = MALFORMED
        if refusal is None:
            return super().handle_error(req, client, addr, exc)
        status, reason, detail = refusal
        correlation_id = uuid.uuid4().hex
        log.warning("request.refused_by_server", status=status, error=str(exc),
                    correlation_id=correlation_id)
        try:
            util.write_nonblock(client, problem_answer(status, reason, detail.format(
                limit=self.cfg.limit_request_line, error=exc), correlation_id))
        except OSError:
            pass  # the client is gone: nothing to tell
