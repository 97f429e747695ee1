"""How a request handler reaches a service: with the request's correlation id."""

from flask import current_app, g

from workbuddy_contracts.errors import unknown_member


def call(service: str, method: str, *args, **kwargs):
    return current_app.extensions["services"].call(service, method, *args,
                                                   correlation_id=g.correlation_id,
                                                   language=g.language, **kwargs)


def require_member(member_id: str, field: str, *others: str) -> dict[str, dict]:
    """Refuse a member id that names nobody, before asking another service to act on it.
    The members found, by id: ``member_id`` and those of ``others`` that exist, asked for in
    the same call."""
    members = {m["id"]: m for m in call("profiles", "get_members", [member_id, *others])}
    if member_id not in members:
        raise unknown_member(member_id, field)
    return members


def sessions():
    return current_app.extensions["sessions"]


def member_cache():
    return current_app.extensions["member_cache"]
