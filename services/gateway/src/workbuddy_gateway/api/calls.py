"""How a request handler reaches a service: with the request's correlation id."""

from flask import current_app, g

from workbuddy_contracts.errors import unknown_member


def call(service: str, method: str, *args, **kwargs):
    return current_app.extensions["services"].call(service, method, *args,
                                                   correlation_id=g.correlation_id,
                                                   language=g.language, **kwargs)


def require_member(member_id: str, field: str) -> None:
    """Refuse a member id that names nobody, before asking another service to act on it."""
    if member_id not in {m["id"] for m in call("profiles", "get_members", [member_id])}:
        raise unknown_member(member_id, field)


def sessions():
    return current_app.extensions["sessions"]
