"""Prometheus metrics of the service, one registry per process built in `main()`."""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


@dataclass
class Metrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        self.events_handled = Counter(
            "ib_events_handled", "Inbound events handled", ["platform", "kind"], registry=r
        )
        self.events_duplicate = Counter(
            "ib_events_duplicate", "Redelivered events skipped", ["platform"], registry=r
        )
        self.event_seconds = Histogram(
            "ib_event_handling_seconds", "Time to handle one event (lock to commit)",
            registry=r, buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
        )
        self.messages_sent = Counter(
            "ib_messages_sent", "Outbox items delivered", ["platform", "kind"], registry=r
        )
        self.delivery_retries = Counter(
            "ib_delivery_retries", "Delivery attempts retried", ["platform", "reason"],
            registry=r,
        )
        self.delivery_failed = Counter(
            "ib_delivery_failed", "Outbox items given up on", ["platform", "kind"], registry=r
        )
        self.delivery_statuses = Counter(
            "ib_delivery_statuses", "Delivery statuses reported by a platform (WhatsApp: "
            "sent, delivered, read, failed)", ["platform", "status"], registry=r,
        )
        self.outbox_pending = Gauge("ib_outbox_pending", "Outbox items waiting", registry=r)
        self.timers_fired = Counter(
            "ib_timers_fired", "Timers fired", ["kind"], registry=r
        )
        self.transcriptions = Counter(
            "ib_transcriptions", "Transcriptions finished", ["outcome"], registry=r
        )
        self.handler_errors = Counter(
            "ib_handler_errors", "Events whose handling raised", ["platform"], registry=r
        )
