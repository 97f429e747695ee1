"""What the tests need to know of the container recipes without a Docker engine: each
service's recipe read, with its build arguments, into the stages Docker builds for its image
(instructions and arguments), and the compose file with its ${VARIABLE} references resolved as
`docker compose` resolves them."""

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("profiles", "matching", "notifications", "gateway")
# The nameko services share one recipe; its SERVICE build argument picks the service.
SHARED_RECIPE = ROOT / "deploy" / "service.Dockerfile"
NAMEKO_SERVICES = ("profiles", "matching", "notifications")
COMPOSE_FILE = ROOT / "docker-compose.yml"


def dockerfile_of(service: str) -> Path:
    if service in NAMEKO_SERVICES:
        return SHARED_RECIPE
    return ROOT / "services" / service / "Dockerfile"


def build_args_of(service: str) -> dict[str, str]:
    """The --build-arg values that make ``dockerfile_of(service)`` build this service."""
    return {"SERVICE": service} if service in NAMEKO_SERVICES else {}


def stages_of(service: str) -> list["Stage"]:
    """The stages Docker builds for this service's image; the last one is the image."""
    return read_stages(dockerfile_of(service), build_args_of(service))


@dataclass
class Stage:
    """A stage as built: ``base`` is the image it starts from in the end (a stage built FROM an
    earlier stage starts from that one's base, with its instructions before its own: an image
    keeps the ENV, USER, CMD, HEALTHCHECK... of the image it is built from)."""

    base: str
    instructions: list[tuple[str, str]] = field(default_factory=list)
    name: str | None = None
    # What it needs built first: the stage it is FROM and those it copies from.
    needs: set[str] = field(default_factory=set)

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


# Instructions whose arguments Docker expands ($NAME, ${NAME}) itself, and RUN, whose shell sees
# the build arguments as variables. Never CMD, ENTRYPOINT or HEALTHCHECK: a value they need must be
# written in the recipe (or be an ENV, read when the container runs).
_EXPANDED = {"ADD", "COPY", "ENV", "EXPOSE", "LABEL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
             "RUN"}
_ARG_REFERENCE = re.compile(r"\$\{(\w+)\}|\$(\w+)")


def _expand(text: str, args: dict[str, str]) -> str:
    """Build arguments in ``text`` replaced by their values; other variables ($PATH) left."""
    def value(match: re.Match) -> str:
        name = match.group(1) or match.group(2)
        return args[name] if name in args else match.group(0)

    return _ARG_REFERENCE.sub(value, text)


def _declare(args: str, scope: dict[str, str], given: dict[str, str],
             global_args: dict[str, str]) -> None:
    """ARG NAME[=default]: the value given with --build-arg, else the global one, else the
    default; an ARG without any value is left unset."""
    name, has_default, default = args.partition("=")
    if name in given:
        scope[name] = given[name]
    elif name in global_args:
        scope[name] = global_args[name]
    elif has_default:
        scope[name] = default


def read_stages(path: Path, build_args: dict[str, str] | None = None) -> list[Stage]:
    """The stages Docker builds for the recipe's last stage (the image), in the recipe's order,
    given these --build-arg values. Raises ValueError where Docker would refuse to build."""
    given = build_args or {}
    text = re.sub(r"\\\n", " ", path.read_text())  # continuation lines are one instruction
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    by_name: dict[str, Stage] = {}
    scope: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, args = line.partition(" ")
        keyword, args = keyword.upper(), args.strip()
        if keyword == "ARG" and not stages:
            _declare(args, global_args, given, {})
        elif keyword == "FROM":
            image, _, alias = _expand(args, global_args).partition(" AS ")
            image = image.split()[0] if image.split() else ""
            if not image or "$" in image:
                raise ValueError(f"{path.name}: FROM {args} has no base (a build argument unset)")
            parent = by_name.get(image.lower())
            stage = Stage(base=parent.base if parent else image,
                          instructions=list(parent.instructions) if parent else [],
                          name=alias.strip().lower() or None,
                          needs={parent.name} if parent else set())
            stages.append(stage)
            if stage.name:
                by_name[stage.name] = stage
            scope = {}
        else:
            if keyword == "ARG":
                _declare(args, scope, given, global_args)
            if keyword in _EXPANDED:
                args = _expand(args, scope)
            copied_from = re.match(r"--from=(\S+)", args) if keyword == "COPY" else None
            if copied_from and copied_from.group(1).lower() in by_name:
                stages[-1].needs.add(copied_from.group(1).lower())
            stages[-1].instructions.append((keyword, args))
    built, wanted = [], {id(stages[-1])}
    for stage in reversed(stages):  # a stage needs only stages before it
        if id(stage) in wanted:
            built.append(stage)
            wanted |= {id(by_name[name]) for name in stage.needs}
    return built[::-1]


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
