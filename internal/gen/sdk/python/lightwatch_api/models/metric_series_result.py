from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.metric_series import MetricSeries


T = TypeVar("T", bound="MetricSeriesResult")


@_attrs_define
class MetricSeriesResult:
    """
    Attributes:
        name (str):
        step (str):
        from_ (datetime.datetime):
        to (datetime.datetime):
        series (list[MetricSeries]):
    """

    name: str
    step: str
    from_: datetime.datetime
    to: datetime.datetime
    series: list[MetricSeries]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        step = self.step

        from_ = self.from_.isoformat()

        to = self.to.isoformat()

        series = []
        for series_item_data in self.series:
            series_item = series_item_data.to_dict()
            series.append(series_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "step": step,
                "from": from_,
                "to": to,
                "series": series,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.metric_series import MetricSeries

        d = dict(src_dict)
        name = d.pop("name")

        step = d.pop("step")

        from_ = datetime.datetime.fromisoformat(d.pop("from"))

        to = datetime.datetime.fromisoformat(d.pop("to"))

        series = []
        _series = d.pop("series")
        for series_item_data in _series:
            series_item = MetricSeries.from_dict(series_item_data)

            series.append(series_item)

        metric_series_result = cls(
            name=name,
            step=step,
            from_=from_,
            to=to,
            series=series,
        )

        metric_series_result.additional_properties = d
        return metric_series_result

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
