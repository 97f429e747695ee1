"""Cursor pagination for every list: stable under inserts, cheap at any depth.

Each listed document carries an ``order`` string (time to the millisecond, then id), so a
page continues strictly after the last item seen. Strings, not dates, are compared: they are
exact on every store (nx-27017 compares dates to the second only).

A cursor is the ``order`` of the last item of a page, as it is. Its format is stated in the
API's document (CURSOR_FORMAT), and any cursor of that format is a place in any list: the
document promises nothing a generated cursor could break.
"""

import re
from datetime import datetime

from pymongo import ASCENDING, DESCENDING
from pymongo.collection import Collection

from workbuddy_contracts.errors import Invalid

LIMIT_MAX = 100


def order_key(at: datetime, _id: str) -> str:
    return f"{int(at.timestamp() * 1000):014d}:{_id}"


# Milliseconds since 1970 on 14 digits, a colon, an id (printable ASCII, as every id is).
CURSOR_FORMAT = r"^[0-9]{14}:[!-~]{1,185}$"
CURSOR_MAX = 200
NOT_A_CURSOR = "this cursor was not given by this list; start again without it"
_CURSOR = re.compile(CURSOR_FORMAT)


def _encode(order: str) -> str:
    return order


def _decode(cursor: str) -> str:
    if not _CURSOR.fullmatch(cursor):
        raise Invalid(NOT_A_CURSOR, "cursor")
    return cursor


def page(collection: Collection, where: dict, *, limit: int, cursor: str | None,
         newest_first: bool) -> dict:
    """{"items": [documents], "next": cursor of the following page, or None at the end}."""
    limit = max(1, min(int(limit), LIMIT_MAX))
    query = where
    if cursor:
        # $and keeps any bound of the caller's own on "order" (e.g. what a viewer may see).
        query = {"$and": [where, {"order": {"$lt" if newest_first else "$gt": _decode(cursor)}}]}
    found = list(collection.find(query).sort("order", DESCENDING if newest_first else ASCENDING)
                 .limit(limit + 1))
    items = found[:limit]
    return {"items": items, "next": _encode(items[-1]["order"]) if len(found) > limit else None}
