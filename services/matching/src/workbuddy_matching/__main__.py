import eventlet

eventlet.monkey_patch()  # before anything else imports socket or threading

from workbuddy_platform.runner import run_service  # noqa: E402

from .service import MatchingService  # noqa: E402


def main() -> None:
    run_service(MatchingService)


if __name__ == "__main__":
    main()
