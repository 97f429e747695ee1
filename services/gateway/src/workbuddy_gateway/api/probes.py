"""Probes: the gateway process is alive (/healthz), it can serve (/readyz), and the whole
system answers (/health/system).

Readiness is this process's own: a gateway that reaches the broker can answer every request,
with a 503 or 504 for the calls a slow or stopped service cannot serve. Were it the whole
system's, one slow service would take every gateway out of its Service, and the API with it.
The system's health is for operators and for tools that wait for a system to start; neither
path is routed by the Ingress (deploy/k8s/overlays/prod/ingress.yaml).
"""

from flask import current_app, g
from flask.views import MethodView

from workbuddy_platform import broker

from ..schemas import GatewayReadiness, Liveness, Readiness
from ..settings import settings_of
from .blueprint import Blueprint

blp = Blueprint("health", __name__, description="Health checks for operators and probes.")

SERVICES = ("profiles", "matching", "notifications")
# Shorter than a readiness probe's own timeout (5 s in deploy/k8s), so that the probe reads
# "down" rather than timing out.
BROKER_CHECK_SECONDS = 3


@blp.route("/healthz")
class Alive(MethodView):
    @blp.doc(security=[])
    @blp.response(200, Liveness)
    def get(self):
        """The gateway process answers"""
        return {"status": "ok"}


@blp.route("/readyz")
class Ready(MethodView):
    @blp.doc(security=[])
    @blp.response(200, GatewayReadiness)
    @blp.alt_response(503, schema=GatewayReadiness, description="The broker cannot be reached.")
    def get(self):
        """This gateway can serve: it reaches the broker (each service's state: /health/system)"""
        try:
            broker.connect(settings_of(current_app).platform.amqp_uri,
                           connect_timeout=BROKER_CHECK_SECONDS).release()
        except Exception as exc:  # said, not raised: the probe reads why
            return {"status": "unavailable", "broker": f"down: {type(exc).__name__}"}, 503
        return {"status": "ok", "broker": "ok"}


@blp.route("/health/system")
class SystemHealth(MethodView):
    @blp.doc(security=[])
    @blp.response(200, Readiness)
    @blp.alt_response(503, schema=Readiness, description="A service or its store is down.")
    def get(self):
        """Every service answers over RPC and reaches its store"""
        services = current_app.extensions["services"]
        reports = []
        for name in SERVICES:
            try:
                reports.append(services.call(name, "health", correlation_id=g.correlation_id))
            except Exception as exc:  # each failure is reported, not raised
                reports.append({"service": name, "status": f"down: {type(exc).__name__}",
                                "store": None})
        ready = all(r["status"] == "ok" for r in reports)
        return {"status": "ok" if ready else "unavailable", "services": reports}, (
            200 if ready else 503)
