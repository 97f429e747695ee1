"""`make test`'s first step: what the suite talks to, running. RabbitMQ and Redis are started
when they are installed and stopped, and RabbitMQ's management plugin (the suite makes a vhost
per run through its API) is enabled when it is off. Exits non-zero, saying what to do, when
one of them cannot be had here."""

import os
import sys

from .broker import ensure_management, ensure_rabbitmq
from .counters import ensure_redis


def main() -> None:
    broker = os.environ.get("TEST_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
    redis = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    print(ensure_rabbitmq(broker), flush=True)
    print(ensure_management(broker), flush=True)
    said = ensure_redis(redis)
    if said is None:
        sys.exit(f"No Redis at {redis} and none installed here: `apt-get install redis-server`, "
                 "or point TEST_REDIS_URL at one.")
    print(said, flush=True)


if __name__ == "__main__":
    main()
