"""A member's data, as they may ask for it: stored documents turned into plain JSON."""

from datetime import datetime

_BOOKKEEPING = ("order", "_rev")


def exported(value):
    """Dates in ISO 8601, nested documents and lists too; bookkeeping fields left out."""
    if isinstance(value, dict):
        return {k: exported(v) for k, v in value.items() if k not in _BOOKKEEPING}
    if isinstance(value, list):
        return [exported(v) for v in value]
    return value.isoformat() if isinstance(value, datetime) else value
