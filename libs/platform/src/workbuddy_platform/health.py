"""What a service answers to a health check over RPC."""

from pymongo.database import Database

from .store import ping


def health_report(service: str, db: Database) -> dict:
    try:
        ping(db)
        store = "ok"
    except Exception as exc:  # report, don't raise: the caller wants to know what is down
        store = f"unreachable: {type(exc).__name__}"
    return {"service": service, "status": "ok" if store == "ok" else "degraded", "store": store}
