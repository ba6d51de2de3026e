"""Prometheus metrics every service exposes on /metrics."""

from prometheus_client import Counter, Histogram

HTTP_REQUESTS = Histogram(
    "consorcia_http_request_seconds",
    "HTTP request latency",
    ["service", "method", "route", "status"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
OUTBOX_PUBLISHED = Counter(
    "consorcia_outbox_published_total", "Outbox rows published to JetStream", ["service"]
)
EVENTS_HANDLED = Counter(
    "consorcia_events_handled_total", "Events consumed, by outcome", ["service", "type", "outcome"]
)
EVENT_HANDLING = Histogram(
    "consorcia_event_handling_seconds",
    "Time to handle one event, transaction included",
    ["service", "type"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1),
)
