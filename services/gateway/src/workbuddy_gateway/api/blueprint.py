"""The API's blueprints: flask-smorest's, keeping one more promise of the document.

A request body the document marks required is required: webargs reads a request without a
JSON body as an empty object, which a schema whose fields are all optional (a profile change,
notification settings) would accept as a change of nothing."""

from functools import wraps

import flask_smorest
from flask import request

from workbuddy_contracts.errors import Refusal


class NoBody(Refusal):
    status = 400


class NotJson(Refusal):
    status = 415


SEND_JSON = "send the request's fields as a JSON object, with Content-Type: application/json"


class Blueprint(flask_smorest.Blueprint):
    def arguments(self, schema, *, location="json", required=True, **kwargs):
        parse = super().arguments(schema, location=location, required=required, **kwargs)
        if location != "json" or not required:
            return parse

        def decorator(view):
            parsed = parse(view)

            @wraps(parsed)
            def with_body(*args, **kw):
                if not request.is_json:
                    raise (NotJson if request.get_data(cache=True) else NoBody)(SEND_JSON, "body")
                return parsed(*args, **kw)

            return with_body

        return decorator
