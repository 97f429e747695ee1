"""When the demo community does things: human-like delays, at a pace the settings choose.

Every delay is drawn from a range of seconds at pace 1 (what `make demo` shows a person
trying Work Buddy) and multiplied by DEMO_PACE: tests run the same script at 0.1.
"""

from dataclasses import dataclass

from workbuddy_platform.settings import Environment, SettingsError, read

__all__ = ["DemoSettings", "SettingsError"]

# (shortest, longest) seconds at pace 1.
ACCEPT = (4, 12)            # a proposal from or for a newcomer
DECIDE_AMONG_DEMO = (1, 3)  # a proposal between two demo members
GREET = (3, 8)              # the first message once a buddyship starts
REACT = (5, 15)             # a cheer or a word of support on a newcomer's moment
REACT_AMONG_DEMO = (10, 60)
REPLY = (6, 15)             # an answer to a message
THANK = (4, 10)             # a thank-you for a cheer
HELP = (5, 12)              # a yes to an urgent ask
CHECK_IN = (10, 30)
FIRST_WIN = (45, 75)        # a newcomer's first buddy logs a win, for them to see live
FOCUS_AFTER = (40, 60)      # after a newcomer's first moment was answered, their buddies focus
FOCUS_MINUTES = 20          # how long they stay in focus (times pace)
MOMENT_EVERY = (40, 90)     # somebody in the community logs a moment
MOMENT_REST = 480           # and then logs nothing for this long, as a person would
FOCUS_EVERY = (120, 300)    # somebody not buddied with a newcomer goes into focus a while


@dataclass(frozen=True)
class DemoSettings:
    # 1: as a person trying the demo sees it; below 1, everything sooner (tests: 0.1).
    pace: float = 1.0
    # How often a member who may have a newcomer's news looks at their notifications; the
    # others look five times less often.
    poll_seconds: float = 2.0

    @classmethod
    def read(cls, env: Environment) -> "DemoSettings":
        d = cls()
        return cls(pace=env.number("DEMO_PACE", d.pace, minimum=0.01),
                   poll_seconds=env.number("DEMO_POLL_SECONDS", d.poll_seconds, minimum=0.1))

    @classmethod
    def from_env(cls, environ=None) -> "DemoSettings":
        return read(cls.read, environ)
