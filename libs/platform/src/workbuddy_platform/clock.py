"""The time the services stamp on what they record."""

from datetime import UTC, datetime


def now() -> datetime:
    """UTC, to the millisecond: what MongoDB keeps, so an answer given before a document is
    read back says exactly what the document will say."""
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)
