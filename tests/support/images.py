"""What the tests need to know of the container recipes without a Docker engine: each
service's Dockerfile read into its stages (instructions and arguments), and the compose file
with its ${VARIABLE} references resolved as `docker compose` resolves them."""

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("profiles", "matching", "notifications", "gateway")
COMPOSE_FILE = ROOT / "docker-compose.yml"


def dockerfile_of(service: str) -> Path:
    return ROOT / "services" / service / "Dockerfile"


@dataclass
class Stage:
    base: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [args for kw, args in self.instructions if kw == keyword]

    def last(self, keyword: str) -> str | None:
        found = self.all(keyword)
        return found[-1] if found else None

    def env(self) -> dict[str, str]:
        """ENV k=v ... of this stage, in order (a later value wins, as in Docker)."""
        values: dict[str, str] = {}
        for args in self.all("ENV"):
            for pair in shlex.split(args):
                name, _, value = pair.partition("=")
                values[name] = value
        return values

    def exec_form(self, keyword: str) -> list[str]:
        """The JSON (exec) form of CMD, or of HEALTHCHECK's CMD after its options."""
        args = self.last(keyword) or ""
        if keyword == "HEALTHCHECK":
            args = args[args.index("CMD ") + 4:]
        return json.loads(args)

    def healthcheck_options(self) -> dict[str, str]:
        args = self.last("HEALTHCHECK") or ""
        return dict(re.findall(r"--([a-z-]+)=(\S+)", args[:args.find("CMD ")]))


def read_stages(path: Path) -> list[Stage]:
    text = re.sub(r"\\\n", " ", path.read_text())  # continuation lines are one instruction
    stages: list[Stage] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, args = line.partition(" ")
        keyword, args = keyword.upper(), args.strip()
        if keyword == "FROM":
            stages.append(Stage(base=args.split()[0]))
        else:
            stages[-1].instructions.append((keyword, args))
    return stages


_REFERENCE = re.compile(r"\$\{(\w+)(?:(:?[-?])([^}]*))?\}")


def interpolate(value, env: dict[str, str]):
    """${NAME}, ${NAME:-default}, ${NAME:?error} as compose resolves them, in every string."""
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if not isinstance(value, str):
        return value

    def resolve(match: re.Match) -> str:
        name, how, other = match.groups()
        given = env.get(name)
        if how in ("-", ":-"):
            return given if given or (how == "-" and given is not None) else other
        if how in ("?", ":?") and not given:
            raise KeyError(f"{name}: {other}")
        return given or ""

    return _REFERENCE.sub(resolve, value)


def compose(env: dict[str, str] | None = None) -> dict:
    """The compose file as YAML (anchors and merge keys applied), interpolated when ``env`` is
    given."""
    document = yaml.safe_load(COMPOSE_FILE.read_text())
    return document if env is None else interpolate(document, env)
