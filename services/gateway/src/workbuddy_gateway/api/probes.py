"""Liveness of the gateway and readiness of the whole system."""

from flask import current_app, g
from flask.views import MethodView

from ..schemas import Liveness, Readiness
from .blueprint import Blueprint

blp = Blueprint("health", __name__, description="Health checks for operators and probes.")

SERVICES = ("profiles", "matching", "notifications")


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
