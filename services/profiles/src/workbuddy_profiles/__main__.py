import warnings

# eventlet warns that it is in maintenance mode; nameko 2.14 depends on it (see stack.md).
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet

eventlet.monkey_patch()  # before anything else imports socket or threading

from eventlet import tpool

from workbuddy_contracts import places
from workbuddy_platform.runner import run_service

from .service import ProfilesService
from .settings import ProfilesSettings


def main() -> None:
    # The gazetteer checks the city of a member who wants to meet in person; its indexes take a
    # few seconds to build: in a real thread now, rather than in the first such member's request.
    eventlet.spawn_n(tpool.execute, places.warm_up)
    run_service(ProfilesService, ProfilesSettings.from_env)


if __name__ == "__main__":
    main()
