import warnings

# eventlet warns that it is in maintenance mode; nameko 2.14 depends on it (see stack.md).
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet

eventlet.monkey_patch()  # before anything else imports socket or threading

from workbuddy_platform.runner import run_service

from .links import LinkSettings
from .service import NotificationsService


def main() -> None:
    LinkSettings().check()  # refuse to start rather than mail links that cannot work
    run_service(NotificationsService)


if __name__ == "__main__":
    main()
