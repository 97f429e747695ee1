"""Cities, as one types one: suggestions for the profile's city field, from the gazetteer."""

from flask.views import MethodView
from flask_jwt_extended import jwt_required

from workbuddy_contracts import places

from ..schemas import CitiesQuery, City
from .blueprint import Blueprint

blp = Blueprint("cities", __name__, url_prefix="/v1/cities",
                description="Cities the gazetteer knows (GeoNames, 5,000 people or more).")


@blp.route("")
class Cities(MethodView):
    @jwt_required()
    @blp.arguments(CitiesQuery, location="query", as_kwargs=True)
    @blp.response(200, City(many=True), headers={"Cache-Control": {"schema": {"type": "string"}}})
    def get(self, q: str, limit: int):
        """Cities whose name starts with q, most populous first

        The names are GeoNames' (usually the local one), with the French name where it differs.
        Any of them, or "name, country", is a city a member who wants to meet in person may give.
        """
        found = [{"name": p.name, "country": p.country, "name_fr": p.name_fr, "population": p.population}
                 for p in places.suggest(q, limit)]
        # The gazetteer only changes with a release: a client may keep an answer for a day.
        return found, 200, {"Cache-Control": "private, max-age=86400"}
