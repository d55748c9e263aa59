"""Where the metrics' values go: the small interface ``Metrics`` and ``ResilienceMetrics``
create their instruments through (``counter``, ``gauge``, ``histogram``), so one set of
instruments can be written to Prometheus (``prometheus-client``), to OpenTelemetry
(``otlp_metrics``, OTLP export) or to both. The choice is made once, when the app is built;
every instrument behaves like a prometheus-client metric (``labels(*values)`` then ``inc``,
``dec``, ``set`` or ``observe``), so the recording code is the same for all of them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

__all__ = ["Instruments", "PrometheusInstruments", "both"]


class Instruments(Protocol):
    def counter(self, name: str, doc: str, labels: Sequence[str] = ()) -> Any: ...

    def gauge(self, name: str, doc: str, labels: Sequence[str] = (), *, mode: str) -> Any: ...

    def histogram(
        self, name: str, doc: str, labels: Sequence[str], buckets: Sequence[float], unit: str
    ) -> Any: ...


class PrometheusInstruments:
    """prometheus-client metrics in ``registry`` (``mode``: the gauge's multiprocess mode)."""

    __slots__ = ("registry",)

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def counter(self, name: str, doc: str, labels: Sequence[str] = ()) -> Any:
        return Counter(name, doc, labels, registry=self.registry)

    def gauge(self, name: str, doc: str, labels: Sequence[str] = (), *, mode: str) -> Any:
        return Gauge(name, doc, labels, registry=self.registry, multiprocess_mode=mode)  # type: ignore[arg-type]

    def histogram(
        self, name: str, doc: str, labels: Sequence[str], buckets: Sequence[float], unit: str
    ) -> Any:
        return Histogram(name, doc, labels, registry=self.registry, buckets=buckets)


class _Tee:
    """Two instruments written together (Prometheus and OTLP both enabled)."""

    __slots__ = ("first", "second")

    def __init__(self, first: Any, second: Any) -> None:
        self.first = first
        self.second = second

    def labels(self, *values: str) -> _Tee:
        return _Tee(self.first.labels(*values), self.second.labels(*values))

    def inc(self, amount: float = 1.0) -> None:
        self.first.inc(amount)
        self.second.inc(amount)

    def dec(self, amount: float = 1.0) -> None:
        self.first.dec(amount)
        self.second.dec(amount)

    def set(self, value: float) -> None:
        self.first.set(value)
        self.second.set(value)

    def observe(self, value: float) -> None:
        self.first.observe(value)
        self.second.observe(value)


class _Both:
    __slots__ = ("first", "second")

    def __init__(self, first: Instruments, second: Instruments) -> None:
        self.first = first
        self.second = second

    def counter(self, name: str, doc: str, labels: Sequence[str] = ()) -> Any:
        return _Tee(self.first.counter(name, doc, labels), self.second.counter(name, doc, labels))

    def gauge(self, name: str, doc: str, labels: Sequence[str] = (), *, mode: str) -> Any:
        first = self.first.gauge(name, doc, labels, mode=mode)
        return _Tee(first, self.second.gauge(name, doc, labels, mode=mode))

    def histogram(
        self, name: str, doc: str, labels: Sequence[str], buckets: Sequence[float], unit: str
    ) -> Any:
        first = self.first.histogram(name, doc, labels, buckets, unit)
        return _Tee(first, self.second.histogram(name, doc, labels, buckets, unit))


def both(first: Instruments | None, second: Instruments | None) -> Instruments:
    """``first`` and ``second`` together, or the one that is not None."""
    if first is None:
        assert second is not None
        return second
    return first if second is None else _Both(first, second)
