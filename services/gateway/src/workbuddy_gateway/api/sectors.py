"""The trades members work in: reference data for building the profile questionnaire."""

from flask.views import MethodView
from flask_jwt_extended import jwt_required

from workbuddy_contracts import sectors

from ..schemas import Sectors
from .blueprint import Blueprint

blp = Blueprint("sectors", __name__, url_prefix="/v1/sectors",
                description="The curated taxonomy of trades, in French and English.")

_ALL = {
    "families": [{"code": code, "labels": dict(labels)}
                 for code, labels in sectors.FAMILIES.items()],
    "sectors": [{"code": s.code, "family": s.family, "labels": dict(s.labels),
                 "adjacent": sorted(sectors.adjacent(s.code))} for s in sectors.SECTORS.values()],
}


@blp.route("")
class AllSectors(MethodView):
    @jwt_required()
    @blp.response(200, Sectors, headers={"Cache-Control": {"schema": {"type": "string"}}})
    def get(self):
        """Every sector, with its family, labels and adjacent sectors"""
        # The same for everyone and rarely changed: a client keeps it for a day.
        return _ALL, 200, {"Cache-Control": "private, max-age=86400"}
