"""Structured JSON logs, one line per record, carrying the correlation id of the request.

Records from libraries (nameko, kombu, werkzeug) go through the same renderer, so every line
of every process can be parsed the same way.
"""

import logging
import sys

import structlog

CORRELATION_KEY = "correlation_id"


def configure_logging(service: str, level: str = "INFO") -> None:
    def add_service(_logger, _name, event_dict):
        event_dict.setdefault("service", service)
        return event_dict

    shared = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        add_service,
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())


def bind_correlation(correlation_id: str | None, **extra) -> None:
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(**{CORRELATION_KEY: correlation_id}, **extra)


def get_logger(name: str):
    return structlog.get_logger(name)
