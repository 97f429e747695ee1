"""The services' logs during the week: counted, not printed. Each use case logs a line per
step (thousands an hour here); the warnings and errors are counted by event name and
reported with the figures."""

import logging
from collections import Counter

import structlog


def quiet_logs() -> Counter:
    seen: Counter = Counter()

    def count(_logger, level: str, event: dict):
        seen[f"{level} {event.get('event')}"] += 1
        raise structlog.DropEvent

    structlog.configure(processors=[structlog.stdlib.filter_by_level, count],
                        logger_factory=structlog.stdlib.LoggerFactory(),
                        wrapper_class=structlog.stdlib.BoundLogger, cache_logger_on_first_use=True)
    logging.getLogger().setLevel(logging.WARNING)
    return seen
