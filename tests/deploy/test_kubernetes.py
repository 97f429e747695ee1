"""The Kubernetes manifests, rendered by kustomize (kubectl kustomize) for each overlay and
checked without a cluster: core resources against Kubernetes' own schemas, the operators'
resources (RabbitMQ, MongoDB, KEDA, cert-manager, Prometheus) against their CRDs' schemas
vendored in tests/deploy/crds (both strict: a misspelled field fails), the operators' resources
by the rules the services depend on, and the wiring between them — probes, secrets, queues,
policies."""

import base64
import copy
import functools
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

from workbuddy_contracts.catalogue import SUBSCRIPTIONS

from ..support.images import ROOT, SERVICES, stages_of

KUBECTL = shutil.which("kubectl")
CRDS = Path(__file__).parent / "crds"


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
# The kinds Kubernetes does not define: each is checked against its operator's CRD instead.
OPERATOR_KINDS = {
    ("rabbitmq.com/v1beta1", "RabbitmqCluster"), ("rabbitmq.com/v1beta1", "Vhost"),
    ("rabbitmq.com/v1beta1", "User"), ("rabbitmq.com/v1beta1", "Permission"),
    ("rabbitmq.com/v1beta1", "Policy"), ("mongodbcommunity.mongodb.com/v1", "MongoDBCommunity"),
    ("keda.sh/v1alpha1", "ScaledObject"), ("keda.sh/v1alpha1", "TriggerAuthentication"),
    ("cert-manager.io/v1", "Certificate"), ("monitoring.coreos.com/v1", "PodMonitor"),
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


def config_of(docs: list[dict]) -> dict[str, str]:
    """The shared configuration, whatever the hash kustomize put in its name."""
    (config,) = [c for name, c in of_kind(docs, "ConfigMap").items()
                 if name.startswith("workbuddy-config-")]
    return config["data"]


def autoscaled(docs: list[dict]) -> set[str]:
    """The Deployments an HPA or KEDA scales."""
    return ({h["spec"]["scaleTargetRef"]["name"] for h in of_kind(docs, "HorizontalPodAutoscaler").values()}
            | {s["spec"]["scaleTargetRef"]["name"] for s in of_kind(docs, "ScaledObject").values()})


def env_of(deployment: dict) -> dict[str, dict]:
    return {e["name"]: e for e in container(deployment).get("env", [])}


def structural(schema: dict) -> dict:
    """A CRD's openAPIV3Schema as a JSON Schema that refuses what the API server refuses: an
    object's unknown fields are pruned there unless the schema preserves them, so here they
    fail — that is what catches a misspelled field; an int-or-string field takes either."""
    schema = dict(schema)
    if schema.get("x-kubernetes-int-or-string"):
        schema.pop("type", None)
        schema.setdefault("anyOf", [{"type": "integer"}, {"type": "string"}])
    if schema.get("nullable") and "type" in schema:
        schema["type"] = [schema["type"], "null"]
    if schema.get("x-kubernetes-list-type") == "set":
        schema["uniqueItems"] = True
    if "properties" in schema:
        schema["properties"] = {name: structural(sub) for name, sub in schema["properties"].items()}
        if not schema.get("x-kubernetes-preserve-unknown-fields"):
            schema["additionalProperties"] = False
    for key in ("items", "additionalProperties", "not"):
        if isinstance(schema.get(key), dict):
            schema[key] = structural(schema[key])
    for key in ("anyOf", "allOf", "oneOf"):
        if key in schema:
            schema[key] = [structural(sub) for sub in schema[key]]
    return schema


@functools.cache
def crd_validators() -> dict[tuple[str, str], jsonschema.Draft4Validator]:
    """(apiVersion, kind) -> a validator of that version's schema, for every vendored CRD.
    Draft 4 is the JSON Schema dialect OpenAPI 3.0, hence a CRD's schema, is built on."""
    validators = {}
    for path in sorted(CRDS.glob("*.yaml")):
        crd = yaml.safe_load(path.read_text())
        group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
        for version in crd["spec"]["versions"]:
            schema = structural(version["schema"]["openAPIV3Schema"])
            jsonschema.Draft4Validator.check_schema(schema)
            validators[(f"{group}/{version['name']}", kind)] = jsonschema.Draft4Validator(schema)
    return validators


def crd_errors(doc: dict) -> list[str]:
    validator = crd_validators()[(doc["apiVersion"], doc["kind"])]
    return [f"{doc['kind']}/{doc['metadata']['name']}: "
            f"{'.'.join(map(str, e.absolute_path)) or '(top level)'}: {e.message}"
            for e in sorted(validator.iter_errors(doc), key=lambda e: e.path)]


def test_every_core_resource_is_valid_against_the_kubernetes_schemas(manifests):
    errors = []
    for doc in manifests:
        if (doc["apiVersion"], doc["kind"]) in OPERATOR_KINDS:
            continue  # Kubernetes has no schema for them: the next test checks them
        try:
            kubernetes_validate.validate(doc, KUBERNETES, strict=True)
        except (kubernetes_validate.ValidationError, kubernetes_validate.SchemaNotFoundError) as e:
            errors.append(f"{doc['kind']}/{doc['metadata']['name']}: {e}")
    assert not errors, "\n".join(errors)


def test_every_operator_resource_is_valid_against_its_crd_schema(manifests):
    operator_resources = [d for d in manifests if (d["apiVersion"], d["kind"]) in OPERATOR_KINDS]
    assert operator_resources
    errors = [error for doc in operator_resources for error in crd_errors(doc)]
    assert not errors, "\n".join(errors)


def test_every_operator_kind_has_a_vendored_crd_schema():
    assert set(crd_validators()) == OPERATOR_KINDS


def test_the_schema_check_catches_a_misspelled_field(prod):
    deployment = copy.deepcopy(of_kind(prod, "Deployment")["gateway"])
    container(deployment)["readinesProbe"] = container(deployment).pop("readinessProbe")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES, strict=True)


@pytest.mark.parametrize("kind, name, parent, field, misspelled", [
    ("ScaledObject", "notifications", ("spec",), "cooldownPeriod", "coolDownPeriod"),
    ("MongoDBCommunity", "workbuddy-mongo", ("spec", "users", 0), "passwordSecretRef",
     "passwordSecretRefs"),
])
def test_the_crd_schema_check_catches_a_misspelled_field(prod, kind, name, parent, field,
                                                         misspelled):
    doc = copy.deepcopy(of_kind(prod, kind)[name])
    assert not crd_errors(doc)
    node = functools.reduce(lambda node, key: node[key], parent, doc)
    node[misspelled] = node.pop(field)
    (error,) = crd_errors(doc)
    assert misspelled in error


@pytest.mark.parametrize("cpu, valid", [("2", True), (2, True), (2.5, False)])
def test_the_crd_schema_check_takes_an_int_or_string_field_either_way(prod, cpu, valid):
    (rabbit,) = copy.deepcopy(list(of_kind(prod, "RabbitmqCluster").values()))
    rabbit["spec"]["resources"]["limits"]["cpu"] = cpu
    assert (crd_errors(rabbit) == []) is valid


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
    config = config_of(prod)
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
    config = config_of(prod)
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
    config = config_of(prod)
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


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_keda_reaches_the_broker_by_its_full_service_name(overlay):
    """KEDA's operator resolves names from its own namespace: a short Service name finds
    nothing there, and notifications would never scale."""
    docs = render(overlay)
    (auth,) = of_kind(docs, "TriggerAuthentication").values()
    (host,) = [ref for ref in auth["spec"]["secretTargetRef"] if ref["parameter"] == "host"]
    assert host["key"] == "scaler-uri"
    if overlay == "dev":  # production's Secret is made beforehand (docs/operations.md)
        (rabbit,) = of_kind(docs, "RabbitmqCluster").values()
        (vhost,) = of_kind(docs, "Vhost").values()
        namespace = rabbit["metadata"]["namespace"]
        uri = base64.b64decode(of_kind(docs, "Secret")[host["name"]]["data"][host["key"]]).decode()
        assert uri.endswith(f"@{rabbit['metadata']['name']}.{namespace}.svc.cluster.local:5672/"
                            f"{vhost['spec']['name']}")


def test_an_autoscaled_deployment_names_no_replica_count(manifests):
    """Its autoscaler owns the count: a replicas field would reset it at every apply."""
    deployments = of_kind(manifests, "Deployment")
    scaled = autoscaled(manifests)
    assert set(SERVICES) <= scaled
    assert [name for name in scaled if "replicas" in deployments[name]["spec"]] == []


def test_a_change_of_configuration_rolls_the_pods_that_read_it(manifests):
    """The ConfigMap's name carries a hash of its content, and every reference follows it: a
    changed value is a new name, hence a new pod template, hence a rollout."""
    (config,) = [c for c in of_kind(manifests, "ConfigMap") if c.startswith("workbuddy-config")]
    assert re.fullmatch(r"workbuddy-config-[a-z0-9]{10}", config)
    for name, deployment in of_kind(manifests, "Deployment").items():
        pod = deployment["spec"]["template"]["spec"]
        for c in pod["containers"] + pod.get("initContainers", []):
            refs = [e["configMapRef"]["name"] for e in c.get("envFrom", []) if "configMapRef" in e]
            assert refs in ([], [config]), f"{name}/{c['name']} reads {refs}"


@pytest.mark.parametrize("service", SERVICES)
def test_the_topology_is_declared_before_each_service_starts(manifests, service):
    """By an init container of the service's own image, idempotent: a new release's queues
    exist before its pods consume or publish, and nothing needs deleting to re-apply."""
    pod = of_kind(manifests, "Deployment")[service]["spec"]["template"]["spec"]
    (init,) = pod["initContainers"]
    assert init["command"] == ["workbuddy-topology"]
    assert init["image"] == container(of_kind(manifests, "Deployment")[service])["image"]
    assert {e["name"]: e for e in init["env"]}["AMQP_URI"] == env_of(
        of_kind(manifests, "Deployment")[service])["AMQP_URI"]
    assert init["securityContext"]["allowPrivilegeEscalation"] is False
    assert "Job" not in {d["kind"] for d in manifests}


def test_a_drain_never_takes_the_majority_of_the_broker_or_the_store(prod):
    budgets = of_kind(prod, "PodDisruptionBudget").values()
    (rabbit,) = of_kind(prod, "RabbitmqCluster").values()
    (mongo,) = of_kind(prod, "MongoDBCommunity").values()
    for size, pods in ((rabbit["spec"]["replicas"], {"app.kubernetes.io/name": rabbit["metadata"]["name"]}),
                       (mongo["spec"]["members"], {"app": f"{mongo['metadata']['name']}-svc"})):
        (budget,) = [b for b in budgets if b["spec"]["selector"]["matchLabels"] == pods]
        assert size - budget["spec"]["maxUnavailable"] > size // 2, f"{pods}: majority lost"


def test_the_store_operator_finds_its_service_account_in_the_namespace(manifests):
    """The Community Operator runs the members' pods as mongodb-database in the namespace of
    the MongoDBCommunity; its own installation creates that account only in its namespace."""
    account = of_kind(manifests, "ServiceAccount")["mongodb-database"]
    role = of_kind(manifests, "Role")["mongodb-database"]
    binding = of_kind(manifests, "RoleBinding")["mongodb-database"]
    (mongo,) = of_kind(manifests, "MongoDBCommunity").values()
    namespace = mongo["metadata"]["namespace"]
    assert {d["metadata"]["namespace"] for d in (account, role, binding)} == {namespace}
    granted = {(resource, verb) for rule in role["rules"] for resource in rule["resources"]
               for verb in rule["verbs"]}
    assert {("secrets", "get"), ("pods", "get"), ("pods", "patch"), ("pods", "delete")} <= granted
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role",
                                  "name": "mongodb-database"}
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "mongodb-database",
                                    "namespace": namespace}]


def test_every_service_is_scraped_by_a_pod_monitor(manifests):
    (monitor,) = of_kind(manifests, "PodMonitor").values()
    for name, deployment in of_kind(manifests, "Deployment").items():
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        if name in SERVICES:
            assert monitor["spec"]["selector"]["matchLabels"].items() <= labels.items(), name
            ports = {p["name"] for p in container(deployment)["ports"]}
            assert {e["port"] for e in monitor["spec"]["podMetricsEndpoints"]} <= ports, name


def test_the_ingress_certificate_is_issued_for_its_hosts(prod):
    (ingress,) = of_kind(prod, "Ingress").values()
    certificates = of_kind(prod, "Certificate").values()
    for tls in ingress["spec"]["tls"]:
        (certificate,) = [c for c in certificates if c["spec"]["secretName"] == tls["secretName"]]
        assert set(tls["hosts"]) <= set(certificate["spec"]["dnsNames"])
        assert certificate["spec"]["issuerRef"]["kind"] in ("ClusterIssuer", "Issuer")


def test_the_gateway_outlasts_its_removal_from_the_service_and_its_requests(prod):
    """A pod told to stop leaves the Service's endpoints at the same time: it keeps serving
    through its preStop delay, then has GATEWAY_GRACEFUL_TIMEOUT for what it holds, and
    Kubernetes waits for both before it kills it."""
    deployment = of_kind(prod, "Deployment")["gateway"]
    main = container(deployment)
    delay = main["lifecycle"]["preStop"]["sleep"]["seconds"]
    graceful = int(env_of(deployment)["GATEWAY_GRACEFUL_TIMEOUT"]["value"])
    assert delay >= 5, "the endpoints' removal takes a few seconds to reach every proxy"
    grace = deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
    assert grace > delay + graceful
    assert env_of(deployment)["TRUSTED_PROXIES"]["value"], "behind the ingress, limits need it"


def test_the_ingress_routes_the_public_paths_and_no_probe(prod):
    """Every path the web app and the API's clients use reaches the gateway; the probes and
    the system's health (which names every service's state) stay inside the cluster."""
    (ingress,) = of_kind(prod, "Ingress").values()
    paths = [(p["path"], p["pathType"]) for rule in ingress["spec"]["rules"]
             for p in rule["http"]["paths"]]

    def routed(path: str) -> bool:
        return any(path == p or (kind == "Prefix" and path.startswith(p.rstrip("/") + "/"))
                   for p, kind in paths)

    for public in ("/", "/join", "/app/", "/app/main.js", "/v1/me", "/v1/auth/login",
                   "/links/abc", "/docs", "/openapi.json"):
        assert routed(public), public
    for internal in ("/healthz", "/readyz", "/health/system", "/metrics"):
        assert not routed(internal), internal
