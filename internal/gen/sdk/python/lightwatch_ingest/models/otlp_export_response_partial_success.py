from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="OtlpExportResponsePartialSuccess")


@_attrs_define
class OtlpExportResponsePartialSuccess:
    """
    Attributes:
        rejected_log_records (str | Unset): int64 as a string (OTLP-JSON)
        rejected_data_points (str | Unset): int64 as a string (OTLP-JSON)
        error_message (str | Unset):
    """

    rejected_log_records: str | Unset = UNSET
    rejected_data_points: str | Unset = UNSET
    error_message: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        rejected_log_records = self.rejected_log_records

        rejected_data_points = self.rejected_data_points

        error_message = self.error_message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if rejected_log_records is not UNSET:
            field_dict["rejectedLogRecords"] = rejected_log_records
        if rejected_data_points is not UNSET:
            field_dict["rejectedDataPoints"] = rejected_data_points
        if error_message is not UNSET:
            field_dict["errorMessage"] = error_message

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        rejected_log_records = d.pop("rejectedLogRecords", UNSET)

        rejected_data_points = d.pop("rejectedDataPoints", UNSET)

        error_message = d.pop("errorMessage", UNSET)

        otlp_export_response_partial_success = cls(
            rejected_log_records=rejected_log_records,
            rejected_data_points=rejected_data_points,
            error_message=error_message,
        )

        otlp_export_response_partial_success.additional_properties = d
        return otlp_export_response_partial_success

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
