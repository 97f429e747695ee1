import warnings

# eventlet warns that it is in maintenance mode; nameko 2.14 depends on it (see stack.md).
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()  # before anything else imports socket or threading

from workbuddy_platform.runner import run_service  # noqa: E402

from .service import NotificationsService  # noqa: E402


def main() -> None:
    run_service(NotificationsService)


if __name__ == "__main__":
    main()
