"""The container recipes, checked without a Docker engine: each service's recipe (the nameko
services share deploy/service.Dockerfile, read with the service's build argument) against
hadolint and our own rules, and docker-compose.yml against the Compose specification's schema
and the rules that make `--scale` work."""

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from ..support.images import (
    COMPOSE_FILE,
    NAMEKO_SERVICES,
    ROOT,
    SERVICES,
    SHARED_RECIPE,
    build_args_of,
    compose,
    dockerfile_of,
    read_stages,
    stages_of,
)

BIN = Path(sys.executable).parent
SCALABLE = ("profiles", "matching", "notifications")
SECRETS = {"JWT_SECRET": "j" * 32, "MAIL_LINK_SECRET": "m" * 32}


def installs(run: str, package: str) -> bool:
    """Whether this RUN's uv command installs ``package`` (as the shell splits it)."""
    words = shlex.split(run)
    return any(a == "--package" and b == package for a, b in zip(words, words[1:], strict=False))


def pins(path: Path) -> frozenset[str]:
    """The images a recipe starts from or copies from, as written (tags included)."""
    text = path.read_text()
    return frozenset(re.findall(r"^FROM\s+(\S+:\S+)", text, re.MULTILINE)
                     + re.findall(r"--from=(\S+:\S+)", text))


@pytest.mark.parametrize("service", SERVICES)
def test_hadolint_finds_nothing_in_the_dockerfile(service):
    result = subprocess.run([BIN / "hadolint", "--no-color", dockerfile_of(service)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("service", SERVICES)
def test_the_image_is_built_in_stages_and_runs_its_service_as_a_user(service):
    stages = stages_of(service)
    build, runtime = stages[0], stages[-1]
    assert len(stages) >= 2, "multi-stage: the runtime image holds no build tools"
    assert not any(installs(run, f"workbuddy-{service}") for run in runtime.all("RUN")), \
        "the image is not built on top of the build stage"
    assert any(installs(run, f"workbuddy-{service}") for run in build.all("RUN")), \
        "the build stage installs this service's locked dependencies only"
    assert runtime.last("USER") not in (None, "0", "root"), "the service never runs as root"
    for stage in stages:
        assert ":" in stage.base and not stage.base.endswith(":latest"), "base images are pinned"
    assert runtime.exec_form("CMD") == ["python", "-m", f"workbuddy_{service}"], \
        "one process, in exec form, so it receives SIGTERM itself"
    assert runtime.exec_form("HEALTHCHECK")[:3] == ["python", "-m", "workbuddy_platform.probe"]
    assert "9100" in runtime.last("EXPOSE").split(), "the ops port is documented"


@pytest.mark.parametrize("service", SERVICES)
def test_a_change_of_code_does_not_install_the_dependencies_again(service):
    """The build stage installs the third-party dependencies from the lock before it copies
    the sources: a code change rebuilds only the layers after it."""
    build = stages_of(service)[0]
    steps = [(kw, args) for kw, args in build.instructions if kw in ("COPY", "RUN")]
    first_source = next(i for i, (kw, args) in enumerate(steps)
                        if kw == "COPY" and args.split()[0] in ("libs", "services"))
    before = [args for kw, args in steps[:first_source] if kw == "RUN"]
    assert any(installs(run, f"workbuddy-{service}") and "--no-install-workspace" in run
               for run in before), "no dependencies layer before the sources"
    copied = [args.split()[:-1] for kw, args in steps[:first_source] if kw == "COPY"
              and not args.startswith("--from")]
    assert copied == [["pyproject.toml", "uv.lock"]], copied


def test_the_dependencies_layer_installs_from_the_lock_alone(tmp_path):
    """What the recipes' first uv step sees: the root pyproject.toml and uv.lock, no member
    and no source. uv installs the gateway's dependencies from them (resolution only: the
    packages come from uv's cache or the index, as in the image)."""
    for name in ("pyproject.toml", "uv.lock"):
        (tmp_path / name).write_text((ROOT / name).read_text())
    uv = ROOT / ".tools/bin/uv"
    if not uv.exists():
        pytest.skip("uv is installed by `make setup` in .tools")
    result = subprocess.run(
        [uv, "sync", "--frozen", "--no-dev", "--no-install-workspace", "--package",
         "workbuddy-gateway", "--python", sys.executable, "--offline"],
        cwd=tmp_path, capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(Path.home()),
             "UV_PROJECT_ENVIRONMENT": str(tmp_path / "venv")})
    assert result.returncode == 0, result.stderr
    site = next((tmp_path / "venv/lib").glob("python3*/site-packages"))
    assert (site / "flask").is_dir() and not list(site.glob("workbuddy_gateway*"))


def test_the_compose_file_follows_the_compose_specification():
    result = subprocess.run([BIN / "check-jsonschema", "--builtin-schema", "vendor.compose-spec",
                             COMPOSE_FILE], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_would_catch_a_broken_compose_file(tmp_path):
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(COMPOSE_FILE.read_text().replace("condition: service_healthy",
                                                       "condition: service_happy", 1))
    result = subprocess.run([BIN / "check-jsonschema", "--builtin-schema", "vendor.compose-spec",
                             broken], capture_output=True, text=True)
    assert result.returncode != 0 and "depends_on" in result.stdout


@pytest.mark.parametrize("service", SCALABLE)
def test_a_scalable_service_publishes_no_host_port_and_has_no_fixed_name(service):
    definition = compose(SECRETS)["services"][service]
    assert "ports" not in definition and "container_name" not in definition


def test_the_broker_keeps_its_queues_when_its_container_is_recreated():
    """RabbitMQ keeps its data under its node name, rabbit@<hostname>: with a generated
    hostname a recreated container starts empty and the events queued before are gone."""
    broker = compose(SECRETS)["services"]["rabbitmq"]
    assert broker.get("hostname"), "the node name must not change with the container"
    assert any(v.endswith(":/var/lib/rabbitmq") for v in broker["volumes"])


@pytest.mark.parametrize("console", ["rabbitmq", "mailpit"])
def test_a_console_listens_on_this_machine_only(console):
    for port in compose(SECRETS)["services"][console]["ports"]:
        published = port if isinstance(port, str) else f"{port['host_ip']}:{port['published']}"
        assert published.startswith("127.0.0.1:"), f"{console} publishes {port} on every interface"


def test_the_shared_recipe_builds_nothing_without_its_service():
    with pytest.raises(ValueError, match="no base"):
        read_stages(SHARED_RECIPE)
    assert {dockerfile_of(service) for service in NAMEKO_SERVICES} == {SHARED_RECIPE}


def test_every_recipe_pins_the_same_base_images_and_uv():
    """The gateway keeps a recipe of its own: its pins move with the shared one's."""
    found = {service: pins(dockerfile_of(service)) for service in SERVICES}
    assert len(set(found.values())) == 1, found


def test_the_topology_job_runs_the_profiles_image_built_the_same_way():
    services = compose(SECRETS)["services"]
    assert services["topology"]["image"] == services["profiles"]["image"]
    assert services["topology"]["build"] == services["profiles"]["build"], \
        "one tag, one build: otherwise whichever is built last wins the tag"


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_is_built_from_its_own_recipe_and_waits_for_what_it_needs(service):
    definition = compose(SECRETS)["services"][service]
    dockerfile = ROOT / definition["build"]["context"] / definition["build"]["dockerfile"]
    assert dockerfile == dockerfile_of(service)
    assert definition["build"].get("args", {}) == build_args_of(service), \
        "the build arguments pick this service in its recipe"
    needs = definition["depends_on"]
    assert needs["rabbitmq"] == {"condition": "service_healthy"}
    assert needs["mongo"] == {"condition": "service_healthy"}
    assert needs["topology"] == {"condition": "service_completed_successfully"}


def test_the_store_is_a_replica_set_so_that_transactions_work():
    services = compose(SECRETS)["services"]
    assert "--replSet" in services["mongo"]["command"]
    assert "rs.initiate" in " ".join(services["mongo"]["healthcheck"]["test"])
    for service in SERVICES:
        assert "replicaSet=" in services[service]["environment"]["MONGO_URI"]


def test_every_service_the_others_wait_for_has_a_healthcheck():
    services = compose(SECRETS)["services"]
    for name, definition in services.items():
        for needed, how in definition.get("depends_on", {}).items():
            if how["condition"] == "service_healthy" and needed not in SERVICES:
                assert "healthcheck" in services[needed], f"{name} waits for {needed}'s health"


@pytest.mark.parametrize("secret", sorted(SECRETS))
def test_the_secrets_are_never_in_the_file_and_up_refuses_to_start_without_them(secret):
    with pytest.raises(KeyError, match=secret):
        compose({k: v for k, v in SECRETS.items() if k != secret})
