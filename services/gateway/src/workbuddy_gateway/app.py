"""The gateway: the public HTTP API client apps build on. It owns no data; it validates,
calls the owning service over RPC and answers in JSON (problems in RFC 9457 form)."""

import re
import uuid

from flask import Flask, g, request
from flask_smorest import Api as SmorestApi

from workbuddy_platform.logs import bind_correlation, get_logger
from workbuddy_platform.settings import Settings

from . import problems
from .api import health, members
from .rpc import Services

_CORRELATION = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
log = get_logger(__name__)


class Api(SmorestApi):
    def handle_http_exception(self, error):
        return problems.from_http_exception(error)


def create_app(services: Services | None = None) -> Flask:
    app = Flask("workbuddy_gateway")
    app.config.update(
        API_TITLE="Work Buddy API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/",
        JSON_SORT_KEYS=False,
        MAX_CONTENT_LENGTH=64 * 1024,  # no request of this API needs more; refused with 413
    )
    app.extensions["services"] = services or Services(Settings())
    api = Api(app)
    api.register_blueprint(health.blp)
    api.register_blueprint(members.blp)
    problems.register(app)

    @app.before_request
    def correlate():
        given = request.headers.get("X-Correlation-Id", "")
        g.correlation_id = given if _CORRELATION.match(given) else uuid.uuid4().hex
        bind_correlation(g.correlation_id, method=request.method, path=request.path)

    @app.after_request
    def tag(response):
        response.headers["X-Correlation-Id"] = g.get("correlation_id", "")
        if request.path not in ("/healthz",):
            log.info("request.done", status=response.status_code)
        return response

    return app
