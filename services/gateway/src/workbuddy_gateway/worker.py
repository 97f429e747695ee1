"""gunicorn's threaded worker, whose own refusals of an oversized request are problem documents.

gunicorn refuses a request line or headers over its limits before the app sees the request,
with an HTML page and no correlation id. A client that built a long URL (a long cursor, many
query parameters) or sent large headers gets, like every other refusal of the API, an RFC 9457
problem with an X-Correlation-Id it can quote. Malformed HTTP stays gunicorn's to answer: no
client of the API sends it.
"""

import json
import uuid

from gunicorn import util
from gunicorn.http.errors import LimitRequestHeaders, LimitRequestLine
from gunicorn.workers.gthread import ThreadWorker

from workbuddy_platform.logs import get_logger

from .problems import CONTENT_TYPE

log = get_logger(__name__)

# status, reason phrase, what to do about it (the request's language is not known yet: English)
TOO_LARGE = {
    LimitRequestLine: (414, "URI Too Long",
                       "the request line is longer than {limit} bytes; shorten the query "
                       "(a page's cursor is the one the previous page returned)"),
    LimitRequestHeaders: (431, "Request Header Fields Too Large",
                          "the request's headers are too many or too large; send fewer or "
                          "shorter headers"),
}


def problem_answer(status: int, reason: str, detail: str, correlation_id: str) -> bytes:
    body = json.dumps({"type": "about:blank", "title": reason, "status": status,
                       "detail": detail, "correlation_id": correlation_id}).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
            f"Content-Type: {CONTENT_TYPE}\r\nContent-Length: {len(body)}\r\n"
            f"X-Correlation-Id: {correlation_id}\r\n\r\n")
    return head.encode("latin-1") + body


class ProblemThreadWorker(ThreadWorker):
    def handle_error(self, req, client, addr, exc):
        refusal = TOO_LARGE.get(type(exc))
        if refusal is None:
            return super().handle_error(req, client, addr, exc)
        status, reason, detail = refusal
        correlation_id = uuid.uuid4().hex
        log.warning("request.refused_by_server", status=status, error=str(exc),
                    correlation_id=correlation_id)
        try:
            util.write_nonblock(client, problem_answer(
                status, reason, detail.format(limit=self.cfg.limit_request_line), correlation_id))
        except OSError:
            pass  # the client is gone: nothing to tell
