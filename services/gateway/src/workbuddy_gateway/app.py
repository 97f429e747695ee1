"""The gateway: the public HTTP API client apps build on. It owns no data; it validates,
calls the owning service over RPC and answers in JSON (problems in RFC 9457 form)."""

import http
import re
import threading
import uuid

from flask import Flask, g, request
from flask_smorest import Api as SmorestApi
from flask_smorest.utils import prepare_response

from workbuddy_contracts.i18n import DEFAULT_LANGUAGE, use_language
from workbuddy_contracts.vocabulary import LANGUAGES
from workbuddy_platform.logs import bind_correlation, get_logger
from workbuddy_platform.store import client_for

from . import auth, documenting, journeys, limits, metrics, problems, traces, webapp
from .api import (
    address,
    asks,
    cities,
    conversations,
    links,
    matching,
    me,
    members,
    moments,
    notifications,
    probes,
    push,
    sectors,
)
from .api import auth as auth_api
from .member_cache import MemberCache
from .proxies import ForwardedCaller
from .rpc import Services
from .schemas import Problem
from .sessions import Sessions
from .settings import EXTENSION, GatewaySettings

_CORRELATION = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
log = get_logger(__name__)


class Api(SmorestApi):
    ERROR_SCHEMA = Problem

    def handle_http_exception(self, error):
        return problems.from_http_exception(error)

    def _register_responses(self):
        """Document every error as what the gateway sends: an RFC 9457 problem document."""
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = Problem
            prepare_response(response, self.spec, problems.CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        default = {"description": "A problem document (RFC 9457)", "schema": Problem}
        prepare_response(default, self.spec, problems.CONTENT_TYPE)
        self.spec.components.response("DEFAULT_ERROR", default, lazy=True)


def create_app(settings: GatewaySettings | None = None, services: Services | None = None,
               sessions: Sessions | None = None, member_cache: MemberCache | None = None) -> Flask:
    """The gateway as a WSGI app. ``settings``: read from the environment when not given
    (SettingsError names each variable set wrong)."""
    if settings is None:
        settings = GatewaySettings.from_env()
    # Settings made in code have not been through from_env's checks: no weak signing key either.
    if problems_found := settings.secret_problems():
        raise RuntimeError("; ".join(why for _, why in problems_found))
    platform = settings.platform
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
        API_SPEC_OPTIONS={
            "components": {"securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
            "security": [{"bearerAuth": []}],
        },
    )
    app.extensions[EXTENSION] = settings
    traces.init(app, platform.tracing)  # first: its span then covers what the other hooks do
    app.extensions["services"] = services or Services(platform.amqp_uri, settings.rpc_timeout)
    # The members' profiles and sessions as last read, shared by every replica (member_cache.py).
    cache = app.extensions[auth.CACHE] = member_cache or MemberCache.at(
        settings.rate_limit_storage, settings.rate_limit_prefix)
    app.extensions["sessions"] = sessions or Sessions(
        client_for(platform.mongo_uri, traced=platform.tracing, isolates=platform.store_isolates,
                   timeout=platform.store_timeout)[
            platform.database_name("gateway")], cache)
    # One per process, as the app is: what a process holds is what its threads can serve.
    app.extensions[notifications.SLOTS] = threading.BoundedSemaphore(settings.stream_slots)
    auth.init(app, settings)
    metrics.init(app)
    limits.init(app, settings)
    api = Api(app, spec_kwargs={"extra_plugins": [documenting.CrossFieldRules(),
                                                    journeys.Journeys()]})
    documenting.init(api)
    for blueprint in (probes.blp, auth_api.blp, me.blp, address.blp, conversations.blp,
                      matching.blp, asks.blp, notifications.blp, push.blp, members.blp,
                      moments.blp, sectors.blp, cities.blp):
        api.register_blueprint(blueprint)
    app.register_blueprint(links.blp)  # pages for people, not part of the JSON API
    app.register_blueprint(webapp.blp)  # the members' web app, a client of the API above
    problems.register(app)
    # Outermost: every hook and limit below sees the caller, not the proxy in front.
    app.wsgi_app = ForwardedCaller(app.wsgi_app, settings.trusted_proxies)

    @app.before_request
    def correlate():
        given = request.headers.get("X-Correlation-Id", "")
        g.correlation_id = given if _CORRELATION.match(given) else uuid.uuid4().hex
        bind_correlation(g.correlation_id, method=request.method, path=request.path)
        g.language = request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE)
        use_language(g.language)

    @app.after_request
    def tag(response):
        response.headers["X-Correlation-Id"] = g.get("correlation_id", "")
        response.headers["Content-Language"] = g.get("language", DEFAULT_LANGUAGE)
        response.vary.add("Accept-Language")
        if request.path not in ("/healthz",):
            log.info("request.done", status=response.status_code)
        return response

    return app
