from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="MetricPoint")


@_attrs_define
class MetricPoint:
    """
    Attributes:
        ts (datetime.datetime): Start of the step.
        count (int):
        sum_ (float):
        min_ (float):
        max_ (float):
        avg (float):
    """

    ts: datetime.datetime
    count: int
    sum_: float
    min_: float
    max_: float
    avg: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ts = self.ts.isoformat()

        count = self.count

        sum_ = self.sum_

        min_ = self.min_

        max_ = self.max_

        avg = self.avg

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ts": ts,
                "count": count,
                "sum": sum_,
                "min": min_,
                "max": max_,
                "avg": avg,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        ts = datetime.datetime.fromisoformat(d.pop("ts"))

        count = d.pop("count")

        sum_ = d.pop("sum")

        min_ = d.pop("min")

        max_ = d.pop("max")

        avg = d.pop("avg")

        metric_point = cls(
            ts=ts,
            count=count,
            sum_=sum_,
            min_=min_,
            max_=max_,
            avg=avg,
        )

        metric_point.additional_properties = d
        return metric_point

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
