"""For operators: `python -m workbuddy_notifications.push keys` prints a fresh VAPID key pair as
lines for the environment (VAPID_PRIVATE_KEY, VAPID_SUBJECT) and the public key browsers
subscribe with."""

import sys

from .adapters.push import DEFAULT_SUBJECT, VapidSettings, new_private_key


def main(argv: list[str]) -> int:
    if argv != ["keys"]:
        print("usage: python -m workbuddy_notifications.push keys", file=sys.stderr)
        return 2
    settings = VapidSettings(private_key=new_private_key(), subject=DEFAULT_SUBJECT)
    print(f"VAPID_PRIVATE_KEY={settings.private_key}")
    print(f"VAPID_SUBJECT={settings.subject}")
    print(f"# public key (the applicationServerKey browsers subscribe with): "
          f"{settings.public_key_b64url()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
