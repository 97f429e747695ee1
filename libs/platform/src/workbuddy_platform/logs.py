"""Structured JSON logs, one line per record, carrying the correlation id of the request and,
when traces are on (workbuddy_platform.tracing), the trace and span the record was written in.

Records from libraries (nameko, kombu, werkzeug) go through the same renderer, so every line
of every process can be parsed the same way.
"""

import logging
import sys

import structlog
from opentelemetry import trace

CORRELATION_KEY = "correlation_id"


def add_trace(_logger, _name, event_dict):
    """The ids a tracing backend shows, so a trace's spans lead to its log lines and back.
    Untraced, the current span is the API's invalid one and nothing is added."""
    span_context = trace.get_current_span().get_span_context()
    if span_context.is_valid:
        event_dict.setdefault("trace_id", format(span_context.trace_id, "032x"))
        event_dict.setdefault("span_id", format(span_context.span_id, "016x"))
    return event_dict


class ExpectedWithoutTraceback(logging.Filter):
    """nameko logs an expected exception (a refusal: see workbuddy_platform.rpc) as a warning
    with its traceback; its one line says all there is to say about a member's mistake."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "nameko.containers" and str(record.msg).startswith("(expected)"):
            record.exc_info = None
        return True


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
        add_trace,
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
    handler.addFilter(ExpectedWithoutTraceback())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())


def bind_correlation(correlation_id: str | None, **extra) -> None:
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(**{CORRELATION_KEY: correlation_id}, **extra)


def get_logger(name: str):
    return structlog.get_logger(name)
