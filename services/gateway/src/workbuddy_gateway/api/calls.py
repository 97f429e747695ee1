"""How a request handler reaches a service: with the request's correlation id."""

from flask import current_app, g


def call(service: str, method: str, *args, **kwargs):
    return current_app.extensions["services"].call(service, method, *args,
                                                   correlation_id=g.correlation_id,
                                                   language=g.language, **kwargs)


def sessions():
    return current_app.extensions["sessions"]
