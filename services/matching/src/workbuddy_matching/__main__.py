import warnings

# eventlet warns that it is in maintenance mode; nameko 2.14 depends on it (see stack.md).
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet

eventlet.monkey_patch()  # before anything else imports socket or threading

from eventlet import tpool

from workbuddy_contracts import places
from workbuddy_platform.runner import run_service

from .service import MatchingService
from .settings import MatchingSettings


def main() -> None:
    # Distances for members who want to meet in person come from the gazetteer, whose indexes
    # take a few seconds to build: in a real thread now, not in the first round or suggestions.
    eventlet.spawn_n(tpool.execute, places.warm_up)
    run_service(MatchingService, MatchingSettings.from_env)


if __name__ == "__main__":
    main()
