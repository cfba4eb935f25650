from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.metric_name_info_type import (
    MetricNameInfoType,
    check_metric_name_info_type,
)

T = TypeVar("T", bound="MetricNameInfo")


@_attrs_define
class MetricNameInfo:
    """
    Attributes:
        name (str):
        type_ (MetricNameInfoType):
        label_keys (list[str]):
        services (list[str]):
    """

    name: str
    type_: MetricNameInfoType
    label_keys: list[str]
    services: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        type_: str = self.type_

        label_keys = self.label_keys

        services = self.services

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "type": type_,
                "label_keys": label_keys,
                "services": services,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        type_ = check_metric_name_info_type(d.pop("type"))

        label_keys = cast(list[str], d.pop("label_keys"))

        services = cast(list[str], d.pop("services"))

        metric_name_info = cls(
            name=name,
            type_=type_,
            label_keys=label_keys,
            services=services,
        )

        metric_name_info.additional_properties = d
        return metric_name_info

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
