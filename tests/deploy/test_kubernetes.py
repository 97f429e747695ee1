"""The Kubernetes manifests, rendered by kustomize (kubectl kustomize) for each overlay and
checked without a cluster: core resources against Kubernetes' own schemas (strict: a
misspelled field fails), the operators' resources (RabbitMQ, MongoDB, KEDA) by the rules the
services depend on, and the wiring between them — probes, secrets, queues, policies."""

import base64
import copy
import re
import shutil
import subprocess

import kubernetes_validate
import pytest
import yaml

from workbuddy_contracts.catalogue import SUBSCRIPTIONS

from ..support.images import ROOT, SERVICES, stages_of

KUBECTL = shutil.which("kubectl")


def kustomize_version() -> int:
    """The major version of the kustomize inside kubectl (0 when there is no kubectl)."""
    if KUBECTL is None:
        return 0
    out = subprocess.run([KUBECTL, "version", "--client"], capture_output=True, text=True).stdout
    found = re.search(r"Kustomize Version: v(\d+)", out)
    return int(found.group(1)) if found else 0


# The oldest Kubernetes still maintained when these manifests were written: what they use
# must be valid there (and is, unchanged, in later versions).
KUBERNETES = "1.31.0"
OPERATOR_KINDS = {
    ("rabbitmq.com/v1beta1", "RabbitmqCluster"), ("rabbitmq.com/v1beta1", "Vhost"),
    ("rabbitmq.com/v1beta1", "User"), ("rabbitmq.com/v1beta1", "Permission"),
    ("rabbitmq.com/v1beta1", "Policy"), ("mongodbcommunity.mongodb.com/v1", "MongoDBCommunity"),
    ("keda.sh/v1alpha1", "ScaledObject"), ("keda.sh/v1alpha1", "TriggerAuthentication"),
}
CONSUMERS_ON_QUEUE_DEPTH = ("notifications",)

pytestmark = pytest.mark.skipif(
    kustomize_version() < 5, reason="needs kubectl with kustomize v5 (Debian: apt-get install kubectl; "
    ".ci/run installs it)")


def render(overlay: str) -> list[dict]:
    out = subprocess.run([KUBECTL, "kustomize", str(ROOT / "deploy/k8s/overlays" / overlay)],
                         capture_output=True, text=True, check=True).stdout
    return [doc for doc in yaml.safe_load_all(out) if doc]


@pytest.fixture(scope="module", params=["dev", "prod"])
def manifests(request) -> list[dict]:
    return render(request.param)


@pytest.fixture(scope="module")
def prod() -> list[dict]:
    return render("prod")


def of_kind(docs: list[dict], kind: str) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def container(deployment: dict) -> dict:
    (only,) = deployment["spec"]["template"]["spec"]["containers"]
    return only


def env_of(deployment: dict) -> dict[str, dict]:
    return {e["name"]: e for e in container(deployment).get("env", [])}


def test_every_core_resource_is_valid_against_the_kubernetes_schemas(manifests):
    errors = []
    for doc in manifests:
        if (doc["apiVersion"], doc["kind"]) in OPERATOR_KINDS:
            continue
        try:
            kubernetes_validate.validate(doc, KUBERNETES, strict=True)
        except (kubernetes_validate.ValidationError, kubernetes_validate.SchemaNotFoundError) as e:
            errors.append(f"{doc['kind']}/{doc['metadata']['name']}: {e}")
    assert not errors, "\n".join(errors)


def test_the_schema_check_catches_a_misspelled_field(prod):
    deployment = copy.deepcopy(of_kind(prod, "Deployment")["gateway"])
    container(deployment)["readinesProbe"] = container(deployment).pop("readinessProbe")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES, strict=True)


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_is_probed_bounded_and_unprivileged(prod, service):
    deployment = of_kind(prod, "Deployment")[service]
    pod = deployment["spec"]["template"]["spec"]
    main = container(deployment)
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        assert probe in main, f"{service} has no {probe}"
    assert main["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert main["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert set(main["resources"]) == {"requests", "limits"}
    assert {"cpu", "memory"} <= set(main["resources"]["limits"])
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert main["securityContext"]["allowPrivilegeEscalation"] is False
    assert pod["automountServiceAccountToken"] is False
    # The rollout never drops below the wanted count, and in-flight work has time to finish.
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    assert pod["terminationGracePeriodSeconds"] >= 30


@pytest.mark.parametrize("service", SERVICES)
def test_the_probes_and_ports_are_the_ones_the_image_listens_on(prod, service):
    main = container(of_kind(prod, "Deployment")[service])
    ports = {p["name"]: p["containerPort"] for p in main["ports"]}
    exposed = {int(p) for p in stages_of(service)[-1].last("EXPOSE").split()}
    assert set(ports.values()) <= exposed
    probe_port = main["readinessProbe"]["httpGet"]["port"]
    assert probe_port in ports
    config = of_kind(prod, "ConfigMap")["workbuddy-config"]["data"]
    if service == "gateway":
        env = {e["name"]: e.get("value") for e in main["env"]}
        assert ports["http"] == int(env["GATEWAY_PORT"]) and ports["ops"] == int(
            env["GATEWAY_OPS_PORT"])
    else:
        assert ports["ops"] == int(config["OPS_PORT"]) and config["OPS_HOST"] == "0.0.0.0"


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_keeps_one_replica_through_disruptions_and_is_fenced(prod, service):
    budgets = [b for b in of_kind(prod, "PodDisruptionBudget").values()
               if b["spec"]["selector"]["matchLabels"] == {"app.kubernetes.io/name": service}]
    assert [b["spec"].get("minAvailable") for b in budgets] == [1]
    labels = of_kind(prod, "Deployment")[service]["spec"]["template"]["metadata"]["labels"]
    selecting = [p for p in of_kind(prod, "NetworkPolicy").values()
                 if p["spec"]["podSelector"]["matchLabels"].items() <= labels.items()]
    deny_all = [p for p in selecting if set(p["spec"]["policyTypes"]) == {"Ingress", "Egress"}
                and "ingress" not in p["spec"] and "egress" not in p["spec"]]
    assert deny_all, f"{service} is not under a deny-by-default policy"


def test_secrets_are_referenced_by_name_never_written_in_production(prod):
    assert "Secret" not in {d["kind"] for d in prod}, "production Secrets are made beforehand"
    secretish = re.compile(r"SECRET|PASSWORD|PRIVATE_KEY|_URI$|USERNAME")
    config = of_kind(prod, "ConfigMap")["workbuddy-config"]["data"]
    assert not [k for k in config if secretish.search(k) and k != "OTEL_EXPORTER_OTLP_ENDPOINT"]
    for name, deployment in of_kind(prod, "Deployment").items():
        for var, entry in env_of(deployment).items():
            if secretish.search(var):
                assert "secretKeyRef" in entry.get("valueFrom", {}), f"{name}: {var} inline"


@pytest.mark.parametrize("service, required", [("gateway", "JWT_SECRET"),
                                               ("notifications", "MAIL_LINK_SECRET")])
def test_what_a_service_refuses_to_start_without_is_given(manifests, service, required):
    assert required in env_of(of_kind(manifests, "Deployment")[service])


def test_consumers_scale_on_their_queue_depth_and_the_rest_on_cpu(manifests):
    deployments = of_kind(manifests, "Deployment")
    scaled = {s["spec"]["scaleTargetRef"]["name"]: s
              for s in of_kind(manifests, "ScaledObject").values()}
    autoscaled = {h["spec"]["scaleTargetRef"]["name"]
                  for h in of_kind(manifests, "HorizontalPodAutoscaler").values()}
    assert set(scaled) == set(CONSUMERS_ON_QUEUE_DEPTH)
    assert not set(scaled) & autoscaled, "KEDA makes its own HPA: two would fight"
    assert set(SERVICES) - set(scaled) <= autoscaled
    assert (set(scaled) | autoscaled) <= set(deployments)
    auths = of_kind(manifests, "TriggerAuthentication")
    for service, scaled_object in scaled.items():
        queues = {t["metadata"]["queueName"] for t in scaled_object["spec"]["triggers"]
                  if t["type"] == "rabbitmq"}
        its_queues = {s.queue for s in SUBSCRIPTIONS if s.queue.split("--")[1].startswith(
            f"{service}.")}
        assert queues and queues <= its_queues, f"{queues - its_queues} are not {service}'s"
        for trigger in scaled_object["spec"]["triggers"]:
            if trigger["type"] == "rabbitmq":
                assert trigger["authenticationRef"]["name"] in auths
        assert "cpu" in {t["type"] for t in scaled_object["spec"]["triggers"]}


def test_production_runs_the_engines_as_clusters(prod):
    (rabbit,) = of_kind(prod, "RabbitmqCluster").values()
    (mongo,) = of_kind(prod, "MongoDBCommunity").values()
    assert rabbit["spec"]["replicas"] == 3
    assert mongo["spec"]["members"] == 3 and mongo["spec"]["type"] == "ReplicaSet"
    config = of_kind(prod, "ConfigMap")["workbuddy-config"]["data"]
    assert config["EVENT_QUEUE_TYPE"] == "quorum" and config["RPC_QUEUE_TYPE"] == "quorum"


def test_the_services_point_at_the_engines_the_operators_run(manifests):
    (rabbit,) = of_kind(manifests, "RabbitmqCluster").values()
    (mongo,) = of_kind(manifests, "MongoDBCommunity").values()
    cluster = rabbit["metadata"]["name"]
    for kind in ("Vhost", "User", "Permission", "Policy"):
        for resource in of_kind(manifests, kind).values():
            assert resource["spec"]["rabbitmqClusterReference"]["name"] == cluster
    (vhost,) = of_kind(manifests, "Vhost").values()
    (user,) = of_kind(manifests, "User").values()
    (permission,) = of_kind(manifests, "Permission").values()
    assert permission["spec"]["userReference"]["name"] == user["metadata"]["name"]
    assert permission["spec"]["vhost"] == vhost["spec"]["name"]
    for policy in of_kind(manifests, "Policy").values():
        assert policy["spec"]["vhost"] == vhost["spec"]["name"]
    amqp_secret = user["spec"]["importCredentialsSecret"]["name"]
    (store_user,) = mongo["spec"]["users"]
    for name in SERVICES:
        env = env_of(of_kind(manifests, "Deployment")[name])
        assert env["AMQP_URI"]["valueFrom"]["secretKeyRef"]["name"] == amqp_secret
        mongo_ref = env["MONGO_URI"]["valueFrom"]["secretKeyRef"]
        assert mongo_ref == {"name": store_user["connectionStringSecretName"],
                             "key": "connectionString.standard"}
        assert {"name": "readWrite", "db": f"workbuddy_{name}"} in store_user["roles"]
    # The network policies let the services reach the pods the operators label.
    egress_to = [to["podSelector"]["matchLabels"]
                 for p in of_kind(manifests, "NetworkPolicy").values()
                 for rule in p["spec"].get("egress", []) for to in rule.get("to", [])
                 if "podSelector" in to and "namespaceSelector" not in to]
    assert {"app.kubernetes.io/name": cluster} in egress_to
    assert {"app": f"{mongo['metadata']['name']}-svc"} in egress_to


def test_the_development_broker_address_names_the_cluster_and_its_vhost():
    dev = render("dev")
    secret = of_kind(dev, "Secret")["workbuddy-amqp"]
    uri = base64.b64decode(secret["data"]["uri"]).decode()
    (rabbit,) = of_kind(dev, "RabbitmqCluster").values()
    (vhost,) = of_kind(dev, "Vhost").values()
    assert uri.endswith(f"@{rabbit['metadata']['name']}:5672/{vhost['spec']['name']}")
