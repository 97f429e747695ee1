"""What matching counts for Prometheus, beside every service's entrypoint figures
(workbuddy_platform.metrics)."""

from prometheus_client import Gauge

ROUND_SECONDS = Gauge("workbuddy_matching_round_seconds", "How long the last matching round took")
ROUND_UNMATCHED = Gauge("workbuddy_matching_unmatched", "Members the last matching round left out")
# Replicas take turns holding the round's lease: each keeps the figures of the last round it ran,
# and this tells the dashboard whose figures are the latest (and how long since a round ran).
ROUND_FINISHED = Gauge("workbuddy_matching_round_finished_timestamp_seconds",
                       "When the last matching round this process ran finished (Unix time)")
