from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.metric_sample_type import MetricSampleType, check_metric_sample_type
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.metric_sample_labels import MetricSampleLabels


T = TypeVar("T", bound="MetricSample")


@_attrs_define
class MetricSample:
    """One sample of a metric series (name + service + labels).

    Attributes:
        name (str): Metric name, Prometheus style. Example: http_requests_total.
        value (float): The sample's value.
        service (str): The service the event is about. Example: checkout.
        id (str | Unset): Client-chosen event id, unique per tenant. Re-sending an event with an id that is already
            stored stores nothing twice. Omit it to have the server generate one (then retries are not
            deduplicated).
             Example: 01J0000000000000000000LOG1.
        type_ (MetricSampleType | Unset): `gauge` (default): a value that goes up and down; `counter`: a monotonically
            increasing total. Default: 'gauge'.
        host (str | Unset): Host name or address of the machine that produced the event. Example: web-1.
        labels (MetricSampleLabels | Unset): Label values that identify the series, at most 32. Example: {'method':
            'GET', 'code': '200'}.
        ts (datetime.datetime | Unset): When the event happened (RFC 3339, any offset; stored in UTC), in the years 1678
            to 2261
            (the store keeps nanoseconds since 1970 in 64 bits). Defaults to the time the server received it.
            More than one minute after that time, it is stored as that time plus one minute: client
            clocks drift, but a timestamp far ahead would stay "the latest" for good.
             Example: 2026-11-27T10:00:00Z.
    """

    name: str
    value: float
    service: str
    id: str | Unset = UNSET
    type_: MetricSampleType | Unset = "gauge"
    host: str | Unset = UNSET
    labels: MetricSampleLabels | Unset = UNSET
    ts: datetime.datetime | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        value = self.value

        service = self.service

        id = self.id

        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = self.type_

        host = self.host

        labels: dict[str, Any] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = self.labels.to_dict()

        ts: str | Unset = UNSET
        if not isinstance(self.ts, Unset):
            ts = self.ts.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "value": value,
                "service": service,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id
        if type_ is not UNSET:
            field_dict["type"] = type_
        if host is not UNSET:
            field_dict["host"] = host
        if labels is not UNSET:
            field_dict["labels"] = labels
        if ts is not UNSET:
            field_dict["ts"] = ts

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.metric_sample_labels import MetricSampleLabels

        d = dict(src_dict)
        name = d.pop("name")

        value = d.pop("value")

        service = d.pop("service")

        id = d.pop("id", UNSET)

        _type_ = d.pop("type", UNSET)
        type_: MetricSampleType | Unset
        if isinstance(_type_, Unset):
            type_ = UNSET
        else:
            type_ = check_metric_sample_type(_type_)

        host = d.pop("host", UNSET)

        _labels = d.pop("labels", UNSET)
        labels: MetricSampleLabels | Unset
        if isinstance(_labels, Unset):
            labels = UNSET
        else:
            labels = MetricSampleLabels.from_dict(_labels)

        _ts = d.pop("ts", UNSET)
        ts: datetime.datetime | Unset
        if isinstance(_ts, Unset):
            ts = UNSET
        else:
            ts = datetime.datetime.fromisoformat(_ts)

        metric_sample = cls(
            name=name,
            value=value,
            service=service,
            id=id,
            type_=type_,
            host=host,
            labels=labels,
            ts=ts,
        )

        return metric_sample
