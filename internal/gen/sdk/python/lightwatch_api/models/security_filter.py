from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.severity import Severity, check_severity
from ..types import UNSET, Unset

T = TypeVar("T", bound="SecurityFilter")


@_attrs_define
class SecurityFilter:
    """
    Attributes:
        service (str | Unset):
        category (str | Unset):
        min_severity (Severity | Unset):
    """

    service: str | Unset = UNSET
    category: str | Unset = UNSET
    min_severity: Severity | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        service = self.service

        category = self.category

        min_severity: str | Unset = UNSET
        if not isinstance(self.min_severity, Unset):
            min_severity = self.min_severity

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if service is not UNSET:
            field_dict["service"] = service
        if category is not UNSET:
            field_dict["category"] = category
        if min_severity is not UNSET:
            field_dict["min_severity"] = min_severity

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        service = d.pop("service", UNSET)

        category = d.pop("category", UNSET)

        _min_severity = d.pop("min_severity", UNSET)
        min_severity: Severity | Unset
        if isinstance(_min_severity, Unset):
            min_severity = UNSET
        else:
            min_severity = check_severity(_min_severity)

        security_filter = cls(
            service=service,
            category=category,
            min_severity=min_severity,
        )

        return security_filter
