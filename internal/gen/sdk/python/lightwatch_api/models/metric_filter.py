from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.metric_filter_labels import MetricFilterLabels


T = TypeVar("T", bound="MetricFilter")


@_attrs_define
class MetricFilter:
    """
    Attributes:
        name (str):
        service (str | Unset):
        labels (MetricFilterLabels | Unset):
    """

    name: str
    service: str | Unset = UNSET
    labels: MetricFilterLabels | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        service = self.service

        labels: dict[str, Any] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = self.labels.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )
        if service is not UNSET:
            field_dict["service"] = service
        if labels is not UNSET:
            field_dict["labels"] = labels

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.metric_filter_labels import MetricFilterLabels

        d = dict(src_dict)
        name = d.pop("name")

        service = d.pop("service", UNSET)

        _labels = d.pop("labels", UNSET)
        labels: MetricFilterLabels | Unset
        if isinstance(_labels, Unset):
            labels = UNSET
        else:
            labels = MetricFilterLabels.from_dict(_labels)

        metric_filter = cls(
            name=name,
            service=service,
            labels=labels,
        )

        return metric_filter
