from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="HeartbeatFilter")


@_attrs_define
class HeartbeatFilter:
    """
    Attributes:
        service (str | Unset):
    """

    service: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        service = self.service

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if service is not UNSET:
            field_dict["service"] = service

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        service = d.pop("service", UNSET)

        heartbeat_filter = cls(
            service=service,
        )

        return heartbeat_filter
