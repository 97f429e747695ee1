"""What a process's /metrics says, as {(series name, sorted labels): value}."""

import requests
from prometheus_client.parser import text_string_to_metric_families


def samples(stack, service: str) -> dict[tuple, float]:
    text = requests.get(f"{stack.ops_url(service)}/metrics", timeout=10).text
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(found: dict, name: str, **labels) -> float:
    """The sum of the series named ``name`` whose labels include ``labels``."""
    return sum(v for (n, ls), v in found.items() if n == name and labels.items() <= dict(ls).items())
