"""What notifications counts for Prometheus, beside every service's entrypoint figures
(workbuddy_platform.metrics)."""

from prometheus_client import Counter

DELIVERIES = Counter(
    "workbuddy_deliveries_total", "Mails and pushes settled, by channel and result",
    ["channel", "result"])
