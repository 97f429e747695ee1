"""deploy/grafana/workbuddy-dashboard.json is the operators' view of /metrics: a Grafana dashboard
whose every PromQL expression must name series (and labels) the code really exposes, and which
shows every metric the code registers, unless that metric is listed below as deliberately left out.

The names come from the metric objects themselves (prometheus_client builds the series names),
never from a list kept here: renaming a metric or a label in code fails this test until the
dashboard follows.
"""

import copy
import json
import re
from pathlib import Path

import pytest
from prometheus_client import REGISTRY, Counter, Gauge, Histogram, Summary
from prometheus_client.metrics import MetricWrapperBase

# Imported for what they register: a metric defined anywhere in a service shows up in REGISTRY.
import workbuddy_gateway.app  # noqa: F401
import workbuddy_matching.service  # noqa: F401
import workbuddy_notifications.service  # noqa: F401
import workbuddy_profiles.service  # noqa: F401
from workbuddy_gateway import metrics as gateway_metrics
from workbuddy_matching import metrics as matching_metrics
from workbuddy_notifications import metrics as notifications_metrics
from workbuddy_platform import metrics as platform_metrics
from workbuddy_platform import store_metrics

DASHBOARD = Path(__file__).resolve().parents[2] / "deploy" / "grafana" / "workbuddy-dashboard.json"

# Where the Work Buddy metrics are defined; a workbuddy_* metric registered elsewhere fails
# test_every_workbuddy_metric_is_defined_where_this_test_looks.
METRIC_MODULES = (platform_metrics, store_metrics, gateway_metrics, matching_metrics,
                  notifications_metrics)

# Metrics the code registers that the dashboard deliberately does not show, with the reason.
# Empty today: every workbuddy_* metric has a panel.
NOT_SHOWN: dict[str, str] = {
    # "workbuddy_example": "why an operator does not need it on the dashboard",
}

# Series Prometheus adds itself to every target: not registered by our code.
FROM_PROMETHEUS = {"up"}
# Labels Prometheus adds to every series it scrapes (target labels).
TARGET_LABELS = {"job", "instance"}
GRAFANA_VARIABLES = {"__rate_interval", "__range", "__interval", "__interval_ms", "__range_s"}
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
GRID_WIDTH = 24

# PromQL words that are neither metrics nor followed by "(" (functions and aggregations are
# recognised by the parenthesis that follows them, so no list of them is needed).
KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
            "unless", "offset", "inf", "nan"}
_TYPES = {"counter": Counter, "gauge": Gauge, "histogram": Histogram, "summary": Summary}


# --- what the code registers ------------------------------------------------------------------

def series_of(family) -> set[str]:
    """The series prometheus_client exposes for a metric family (``_total``, ``_bucket``, …),
    built by prometheus_client itself on an unregistered twin without labels: a labelled metric
    with no children yet exposes no samples to read them from."""
    names = {sample.name for sample in family.samples}
    if family.type in _TYPES:
        twin = _TYPES[family.type](family.name, family.documentation, registry=None)
        names |= {sample.name for twin_family in twin.collect() for sample in twin_family.samples}
    return names


def workbuddy_metrics() -> dict[str, MetricWrapperBase]:
    """Family name -> metric object, for the metrics defined in METRIC_MODULES."""
    found = {}
    for module in METRIC_MODULES:
        for value in vars(module).values():
            if isinstance(value, MetricWrapperBase):
                for family in value.describe():
                    found[family.name] = value
    return found


def exposed() -> dict[str, tuple[str, set[str]]]:
    """Every series a service's /metrics can serve -> (its family, the labels it carries).

    The services serve prometheus_client's default REGISTRY (ours plus the process and Python
    collectors); the gateway serves its own metrics, the same objects, added up over its workers.
    """
    ours = workbuddy_metrics()
    series = {}
    for family in REGISTRY.collect():
        # _labelnames is prometheus_client's own record of a metric's labels (not public API).
        labels = set(ours[family.name]._labelnames) if family.name in ours else set()
        for name in series_of(family):
            series[name] = (family.name, labels | ({"le"} if name.endswith("_bucket") else set()))
    for name in FROM_PROMETHEUS:
        series[name] = (name, set())
    return series


# --- reading PromQL --------------------------------------------------------------------------

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_RANGE = re.compile(r"\[[^\]]*\]")
_VARIABLE = re.compile(r"\$\{[^}]*\}|\$\w+")
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)")
_SELECTOR = re.compile(r"([a-zA-Z_:][\w:]*)?\s*\{([^}]*)\}")
_MATCHER = re.compile(r"([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)")
_TOKEN = re.compile(r"\d[\w.]*|[a-zA-Z_:][\w:]*")


def read_promql(expr: str) -> tuple[list[tuple[str, set[str]]], set[str]]:
    """The metrics an expression reads, each with the labels its selector matches on, and the
    labels it groups by. A small tokenizer, enough for the dashboard's expressions."""
    text = _STRING.sub('""', expr)  # label values, regexes: never names
    text = _RANGE.sub("[]", text)
    text = _VARIABLE.sub("", text)
    grouping = set()
    for match in _GROUPING.finditer(text):
        grouping |= {label.strip() for label in match.group(1).split(",") if label.strip()}
    text = _GROUPING.sub(" ", text)
    metrics = []
    for match in _SELECTOR.finditer(text):
        labels = set(_MATCHER.findall(match.group(2)))
        if match.group(1) and match.group(1) not in KEYWORDS:
            metrics.append((match.group(1), labels))
    text = _SELECTOR.sub(" ", text)
    for match in _TOKEN.finditer(text):
        word = match.group()
        if word[0].isdigit() or word in KEYWORDS or text[match.end():].lstrip().startswith("("):
            continue  # a number or duration, a keyword, a function or an aggregation
        metrics.append((word, set()))
    return metrics, grouping


# --- the checks, each returning what is wrong (so that their failing can be tested too) ---------

def load() -> dict:
    return json.loads(DASHBOARD.read_text())


def all_panels(dashboard: dict) -> list[dict]:
    panels = []
    for panel in dashboard.get("panels", []):
        panels.append(panel)
        panels.extend(panel.get("panels", []))  # a collapsed row keeps its panels inside
    return panels


def queries(dashboard: dict) -> list[tuple[str, str]]:
    return [(panel.get("title", "?"), target["expr"]) for panel in all_panels(dashboard)
            for target in panel.get("targets", []) if target.get("expr")]


def shape_problems(dashboard: dict) -> list[str]:
    problems = []
    if not isinstance(dashboard.get("schemaVersion"), int) or dashboard["schemaVersion"] < 36:
        problems.append(f"schemaVersion {dashboard.get('schemaVersion')!r}: expected 36 or more")
    for key in ("uid", "title"):
        if not dashboard.get(key):
            problems.append(f"dashboard has no {key}")
    variables = {v.get("name"): v for v in dashboard.get("templating", {}).get("list", [])}
    source = variables.get("datasource", {})
    if source.get("type") != "datasource" or source.get("query") != "prometheus":
        problems.append("no `datasource` template variable of Prometheus datasources")
    for name, variable in variables.items():
        if variable.get("type") == "query" and variable.get("datasource") != DATASOURCE:
            problems.append(f"variable {name} does not query ${{datasource}}")

    panels = all_panels(dashboard)
    ids = [panel.get("id") for panel in panels]
    if not all(isinstance(i, int) for i in ids) or len(set(ids)) != len(ids):
        problems.append(f"panel ids must be unique integers: {ids}")
    boxes = []
    for panel in panels:
        title = panel.get("title", "?")
        grid = panel.get("gridPos", {})
        if not all(isinstance(grid.get(k), int) for k in "hwxy"):
            problems.append(f"{title}: gridPos needs integer h, w, x and y, got {grid}")
            continue
        if grid["w"] <= 0 or grid["h"] <= 0 or grid["x"] < 0 or grid["x"] + grid["w"] > GRID_WIDTH:
            problems.append(f"{title}: gridPos {grid} is outside the {GRID_WIDTH}-column grid")
        if panel in dashboard.get("panels", []):
            boxes.append((title, grid))
        if panel.get("type") == "row":
            continue
        if not panel.get("type") or not title or title == "?":
            problems.append(f"panel {panel.get('id')} needs a type and a title")
        if panel.get("datasource") != DATASOURCE:
            problems.append(f"{title}: datasource must be {DATASOURCE}, got {panel.get('datasource')}")
        if "normal" not in panel.get("description", "").lower():
            problems.append(f"{title}: the description must tell what is normal and what to do")
        targets = panel.get("targets") or []
        if not targets:
            problems.append(f"{title}: no targets")
        refs = [target.get("refId") for target in targets]
        if len(set(refs)) != len(refs) or not all(refs):
            problems.append(f"{title}: refIds must be unique and set: {refs}")
        for target in targets:
            if not target.get("expr", "").strip():
                problems.append(f"{title}: target {target.get('refId')} has no expr")
            if target.get("datasource", DATASOURCE) != DATASOURCE:
                problems.append(f"{title}: target {target.get('refId')} must use ${{datasource}}")
            for used in re.findall(r"\$\{(\w+)[^}]*\}|\$(\w+)", target.get("expr", "")):
                name = used[0] or used[1]
                if name not in variables and name not in GRAFANA_VARIABLES:
                    problems.append(f"{title}: ${name} is not a template variable")
    for n, (title, a) in enumerate(boxes):
        for other, b in boxes[n + 1:]:
            if (a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"]
                    and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]):
                problems.append(f"{title!r} and {other!r} overlap")
    return problems


def metric_problems(dashboard: dict, series: dict) -> list[str]:
    problems = []
    for title, expr in queries(dashboard):
        metrics, grouping = read_promql(expr)
        if not metrics:
            problems.append(f"{title}: no metric found in {expr!r}")
        known_labels = set(TARGET_LABELS)
        for name, labels in metrics:
            if name not in series:
                problems.append(f"{title}: {name} is not a series the code exposes ({expr!r})")
                continue
            carried = series[name][1] | TARGET_LABELS | {"__name__"}
            known_labels |= carried
            if unknown := labels - carried:
                problems.append(f"{title}: {name} has no label {sorted(unknown)} ({expr!r})")
        if unknown := grouping - known_labels:
            problems.append(f"{title}: grouped by {sorted(unknown)}, which no series has ({expr!r})")
        if "histogram_quantile" in expr and "le" not in grouping:
            problems.append(f"{title}: histogram_quantile needs the buckets kept by le ({expr!r})")
        if any(name.endswith("_bucket") for name, _ in metrics) and "histogram_quantile" not in expr:
            problems.append(f"{title}: a _bucket series read without histogram_quantile ({expr!r})")
    return problems


def coverage_problems(dashboard: dict, series: dict) -> list[str]:
    shown = {series[name][0] for _, expr in queries(dashboard)
             for name, _ in read_promql(expr)[0] if name in series}
    problems = [f"{family} is registered but no panel shows it (add a panel, or list it in "
                f"NOT_SHOWN with the reason)" for family in sorted(workbuddy_metrics())
                if family not in shown and family not in NOT_SHOWN]
    problems += [f"NOT_SHOWN lists {family}, which is shown or no longer registered"
                 for family in NOT_SHOWN if family in shown or family not in workbuddy_metrics()]
    return problems


# --- tests ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dashboard() -> dict:
    return load()


@pytest.fixture(scope="module")
def series() -> dict:
    return exposed()


def test_the_dashboard_is_a_grafana_dashboard_on_the_prometheus_variable(dashboard):
    assert shape_problems(dashboard) == []
    assert len(queries(dashboard)) >= 10


def test_every_expression_reads_series_and_labels_the_code_exposes(dashboard, series):
    assert metric_problems(dashboard, series) == []


def test_every_workbuddy_metric_has_a_panel_or_a_reason(dashboard, series):
    assert coverage_problems(dashboard, series) == []


def test_every_workbuddy_metric_is_defined_where_this_test_looks():
    registered = {family.name for family in REGISTRY.collect() if family.name.startswith("workbuddy_")}
    assert registered == set(workbuddy_metrics()), "add the module that defines it to METRIC_MODULES"
    assert "workbuddy_http_requests_total" in {
        name for family in REGISTRY.collect() for name in series_of(family)}


@pytest.mark.parametrize(("expr", "metrics", "grouping"), [
    ('histogram_quantile(0.95, sum by (le, route) (rate(wb_seconds_bucket{route=~"$route"}[5m])))',
     [("wb_seconds_bucket", {"route"})], {"le", "route"}),
    ('sum(rate(a_total{status=~"5..", x="by(y)"}[$__rate_interval])) / sum(rate(a_total[1h] offset 1d))',
     [("a_total", {"status", "x"}), ("a_total", set())], set()),
    ("max(wb_gauge) or vector(0)", [("wb_gauge", set())], set()),
    ("sum(rate(b_count[5m])) by (service) / on (service) group_left c_info",
     [("b_count", set()), ("c_info", set())], {"service"}),
])
def test_the_tokenizer_finds_metrics_not_functions_labels_or_durations(expr, metrics, grouping):
    assert read_promql(expr) == (metrics, grouping)


def test_the_checks_fail_on_a_misspelled_metric_a_wrong_label_and_a_missing_panel(dashboard, series):
    """Guards the guards: each check must report a dashboard that went wrong."""
    def broken(old: str, new: str) -> dict:
        copied = copy.deepcopy(dashboard)
        for panel in all_panels(copied):
            for target in panel.get("targets", []):
                target["expr"] = target.get("expr", "").replace(old, new)
        return copied

    misspelled = metric_problems(broken("workbuddy_outbox_lag_seconds", "workbuddy_outbox_lag_second"),
                                 series)
    assert any("workbuddy_outbox_lag_second " in problem for problem in misspelled)
    suffixless = metric_problems(broken("workbuddy_deliveries_total", "workbuddy_deliveries"), series)
    assert any("workbuddy_deliveries is not a series" in problem for problem in suffixless)
    relabelled = metric_problems(broken("by (channel, result)", "by (channel, outcome)"), series)
    assert any("grouped by ['outcome']" in problem for problem in relabelled)
    wrong_selector = metric_problems(broken('status=~"5.."', 'code=~"5.."'), series)
    assert any("has no label ['code']" in problem for problem in wrong_selector)

    without = copy.deepcopy(dashboard)
    without["panels"] = [panel for panel in without["panels"]
                         if "workbuddy_matching_unmatched" not in json.dumps(panel)]
    assert any(problem.startswith("workbuddy_matching_unmatched is registered")
               for problem in coverage_problems(without, series))

    reused = copy.deepcopy(dashboard)
    reused["panels"][-1]["id"] = reused["panels"][0]["id"]
    reused["panels"][-1]["datasource"] = {"type": "prometheus", "uid": "prometheus"}
    assert len(shape_problems(reused)) >= 2
