"""profiles' settings: the platform's (broker, store, workers), read once at start."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from workbuddy_platform.settings import PlatformSettings, read


@dataclass(frozen=True)
class ProfilesSettings:
    platform: PlatformSettings = field(default_factory=PlatformSettings)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "ProfilesSettings":
        return read(lambda env: cls(platform=PlatformSettings.read(env)), environ)
