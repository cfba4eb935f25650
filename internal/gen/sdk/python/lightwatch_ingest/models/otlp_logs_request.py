from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.otlp_logs_request_resource_logs_item import (
        OtlpLogsRequestResourceLogsItem,
    )


T = TypeVar("T", bound="OtlpLogsRequest")


@_attrs_define
class OtlpLogsRequest:
    """An OTLP-JSON ExportLogsServiceRequest (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding).

    Attributes:
        resource_logs (list[OtlpLogsRequestResourceLogsItem] | Unset):
    """

    resource_logs: list[OtlpLogsRequestResourceLogsItem] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        resource_logs: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.resource_logs, Unset):
            resource_logs = []
            for resource_logs_item_data in self.resource_logs:
                resource_logs_item = resource_logs_item_data.to_dict()
                resource_logs.append(resource_logs_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if resource_logs is not UNSET:
            field_dict["resourceLogs"] = resource_logs

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.otlp_logs_request_resource_logs_item import (
            OtlpLogsRequestResourceLogsItem,
        )

        d = dict(src_dict)
        _resource_logs = d.pop("resourceLogs", UNSET)
        resource_logs: list[OtlpLogsRequestResourceLogsItem] | Unset = UNSET
        if _resource_logs is not UNSET:
            resource_logs = []
            for resource_logs_item_data in _resource_logs:
                resource_logs_item = OtlpLogsRequestResourceLogsItem.from_dict(
                    resource_logs_item_data
                )

                resource_logs.append(resource_logs_item)

        otlp_logs_request = cls(
            resource_logs=resource_logs,
        )

        otlp_logs_request.additional_properties = d
        return otlp_logs_request

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
