"""What the gateway counts for Prometheus: requests by route, method and status, and their
duration. gunicorn runs several worker processes, so the counts are kept in files
(prometheus_client's multiprocess mode, PROMETHEUS_MULTIPROC_DIR) and the master adds them up
when scraped on GATEWAY_OPS_PORT (see __main__)."""

import time

from flask import Flask, g, request
from prometheus_client import Counter, Histogram

REQUESTS = Counter("workbuddy_http_requests_total", "Requests the gateway answered",
                   ["method", "route", "status"])
SECONDS = Histogram("workbuddy_http_request_seconds", "Time the gateway took to answer",
                    ["method", "route"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))


def init(app: Flask) -> None:
    @app.before_request
    def started():
        g.started = time.perf_counter()

    @app.after_request
    def counted(response):
        # The route's rule, not the path: ids would make a series per member.
        route = request.url_rule.rule if request.url_rule else "unmatched"
        REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        if "started" in g:
            SECONDS.labels(request.method, route).observe(time.perf_counter() - g.started)
        return response
