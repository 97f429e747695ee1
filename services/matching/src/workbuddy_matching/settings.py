"""matching's settings, read once at start: the platform's, and how matching proposes."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from workbuddy_platform.settings import Environment, PlatformSettings, read


@dataclass(frozen=True)
class MatchingSettings:
    platform: PlatformSettings = field(default_factory=PlatformSettings)
    # Matching proposes on its own (fills open slots on events, support buddies after
    # setbacks); off leaves proposals to members, e.g. for a demo where people choose from
    # suggestions.
    automatic: bool = True
    # A full round over the pool every so long (zero: only when an operator runs one).
    round_every: timedelta = timedelta(hours=24)
    # How often responsiveness and each buddyship's health are refreshed.
    checkup_every: timedelta = timedelta(minutes=60)
    # A buddy's moment this recent is not counted unanswered yet (they may not have seen it).
    quiet_grace: timedelta = timedelta(hours=48)
    # An urgent ask no buddy answered this long after it was logged goes to members who offered
    # help (when its author allowed it), this many of them, and stays open to them this long.
    ask_widen_after: timedelta = timedelta(minutes=15)
    ask_helpers: int = 3
    ask_open_for: timedelta = timedelta(hours=24)
    # A buddyship starts with a trial this long; at its end, and then every check_in_every,
    # each buddy is asked privately how it goes.
    trial: timedelta = timedelta(days=21)
    check_in_every: timedelta = timedelta(days=90)

    @classmethod
    def read(cls, env: Environment) -> "MatchingSettings":
        d = cls()
        return cls(
            platform=PlatformSettings.read(env),
            automatic=env.flag("MATCHING_AUTOMATIC", d.automatic),
            round_every=timedelta(hours=env.number("MATCHING_ROUND_EVERY_HOURS", 24, minimum=0,
                                                   unit="hours")),
            checkup_every=timedelta(minutes=env.number("MATCHING_CHECKUP_EVERY_MINUTES", 60,
                                                       above=0, unit="minutes")),
            quiet_grace=timedelta(hours=env.number("BUDDY_QUIET_GRACE_HOURS", 48, minimum=0,
                                                   unit="hours")),
            ask_widen_after=timedelta(minutes=env.number("ASK_WIDEN_AFTER_MINUTES", 15,
                                                         minimum=0, unit="minutes")),
            ask_helpers=env.integer("ASK_HELPERS", d.ask_helpers, minimum=1),
            ask_open_for=timedelta(hours=env.number("ASK_OPEN_FOR_HOURS", 24, above=0,
                                                    unit="hours")),
            trial=timedelta(days=env.number("BUDDYSHIP_TRIAL_DAYS", 21, above=0, unit="days")),
            check_in_every=timedelta(days=env.number("CHECK_IN_EVERY_DAYS", 90, above=0,
                                                     unit="days")),
        )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "MatchingSettings":
        return read(cls.read, environ)
