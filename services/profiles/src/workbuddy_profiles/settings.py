"""profiles' settings: the platform's (broker, store, workers) and how addresses are proven,
read once at start."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from workbuddy_platform.settings import Environment, PlatformSettings, read

REQUIRED, TRUSTED = "required", "trusted"


@dataclass(frozen=True)
class AddressPolicy:
    """``verification``: required (a new address is proven by a mailed link before anything else
    is mailed to it or matching proposes its member) or trusted (addresses count as proven at
    sign-up: a closed deployment whose addresses are known). ``link_life``: how long a
    verification link works, and how long an account made with an address already taken
    lasts before it is erased; ``reset_life``: how long a password reset link works.
    ``demo_community``: addresses at the demo domain (workbuddy_contracts.demo) sign up demo
    members, marked as such (DEMO_COMMUNITY=on), or are refused (off, the default)."""

    verification: str = REQUIRED
    link_life: timedelta = timedelta(hours=24)
    reset_life: timedelta = timedelta(minutes=30)
    demo_community: bool = False

    @property
    def trusted(self) -> bool:
        return self.verification == TRUSTED


@dataclass(frozen=True)
class ProfilesSettings:
    platform: PlatformSettings = field(default_factory=PlatformSettings)
    addresses: AddressPolicy = field(default_factory=AddressPolicy)

    @classmethod
    def read(cls, env: Environment) -> "ProfilesSettings":
        return cls(platform=PlatformSettings.read(env), addresses=AddressPolicy(
            verification=env.choice("ADDRESS_VERIFICATION", REQUIRED, (REQUIRED, TRUSTED)),
            link_life=timedelta(hours=env.number("VERIFICATION_LINK_HOURS", 24, above=0,
                                                 unit="hours")),
            reset_life=timedelta(minutes=env.number("PASSWORD_RESET_LINK_MINUTES", 30, above=0,
                                                    unit="minutes")),
            demo_community=env.flag("DEMO_COMMUNITY", False)))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "ProfilesSettings":
        return read(cls.read, environ)
