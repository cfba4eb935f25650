from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.level import Level, check_level
from ..types import UNSET, Unset

T = TypeVar("T", bound="LogFilter")


@_attrs_define
class LogFilter:
    """
    Attributes:
        service (str | Unset):
        level (list[Level] | Unset):
        q (str | Unset):
    """

    service: str | Unset = UNSET
    level: list[Level] | Unset = UNSET
    q: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        service = self.service

        level: list[str] | Unset = UNSET
        if not isinstance(self.level, Unset):
            level = []
            for level_item_data in self.level:
                level_item: str = level_item_data
                level.append(level_item)

        q = self.q

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if service is not UNSET:
            field_dict["service"] = service
        if level is not UNSET:
            field_dict["level"] = level
        if q is not UNSET:
            field_dict["q"] = q

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        service = d.pop("service", UNSET)

        _level = d.pop("level", UNSET)
        level: list[Level] | Unset = UNSET
        if _level is not UNSET:
            level = []
            for level_item_data in _level:
                level_item = check_level(level_item_data)

                level.append(level_item)

        q = d.pop("q", UNSET)

        log_filter = cls(
            service=service,
            level=level,
            q=q,
        )

        return log_filter
