from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.event_metric_type import EventMetricType, check_event_metric_type
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.event_metric_labels import EventMetricLabels


T = TypeVar("T", bound="EventMetric")


@_attrs_define
class EventMetric:
    """
    Attributes:
        name (str):
        value (float):
        type_ (EventMetricType):
        labels (EventMetricLabels | Unset):
    """

    name: str
    value: float
    type_: EventMetricType
    labels: EventMetricLabels | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        value = self.value

        type_: str = self.type_

        labels: dict[str, Any] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = self.labels.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "value": value,
                "type": type_,
            }
        )
        if labels is not UNSET:
            field_dict["labels"] = labels

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.event_metric_labels import EventMetricLabels

        d = dict(src_dict)
        name = d.pop("name")

        value = d.pop("value")

        type_ = check_event_metric_type(d.pop("type"))

        _labels = d.pop("labels", UNSET)
        labels: EventMetricLabels | Unset
        if isinstance(_labels, Unset):
            labels = UNSET
        else:
            labels = EventMetricLabels.from_dict(_labels)

        event_metric = cls(
            name=name,
            value=value,
            type_=type_,
            labels=labels,
        )

        event_metric.additional_properties = d
        return event_metric

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
