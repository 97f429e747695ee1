import warnings

# eventlet warns that it is in maintenance mode; nameko 2.14 depends on it (see stack.md).
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet

eventlet.monkey_patch()  # before anything else imports socket or threading

from workbuddy_platform.runner import run_service

from .service import ProfilesService
from .settings import ProfilesSettings


def main() -> None:
    run_service(ProfilesService, ProfilesSettings.from_env)


if __name__ == "__main__":
    main()
