from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.otlp_metrics_request_resource_metrics_item import (
        OtlpMetricsRequestResourceMetricsItem,
    )


T = TypeVar("T", bound="OtlpMetricsRequest")


@_attrs_define
class OtlpMetricsRequest:
    """An OTLP-JSON ExportMetricsServiceRequest.

    Attributes:
        resource_metrics (list[OtlpMetricsRequestResourceMetricsItem] | Unset):
    """

    resource_metrics: list[OtlpMetricsRequestResourceMetricsItem] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        resource_metrics: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.resource_metrics, Unset):
            resource_metrics = []
            for resource_metrics_item_data in self.resource_metrics:
                resource_metrics_item = resource_metrics_item_data.to_dict()
                resource_metrics.append(resource_metrics_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if resource_metrics is not UNSET:
            field_dict["resourceMetrics"] = resource_metrics

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.otlp_metrics_request_resource_metrics_item import (
            OtlpMetricsRequestResourceMetricsItem,
        )

        d = dict(src_dict)
        _resource_metrics = d.pop("resourceMetrics", UNSET)
        resource_metrics: list[OtlpMetricsRequestResourceMetricsItem] | Unset = UNSET
        if _resource_metrics is not UNSET:
            resource_metrics = []
            for resource_metrics_item_data in _resource_metrics:
                resource_metrics_item = OtlpMetricsRequestResourceMetricsItem.from_dict(
                    resource_metrics_item_data
                )

                resource_metrics.append(resource_metrics_item)

        otlp_metrics_request = cls(
            resource_metrics=resource_metrics,
        )

        otlp_metrics_request.additional_properties = d
        return otlp_metrics_request

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
