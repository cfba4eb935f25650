from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.level import Level, check_level
from ..types import UNSET, Unset

T = TypeVar("T", bound="EventLog")


@_attrs_define
class EventLog:
    """
    Attributes:
        level (Level):
        message (str):
        trace_id (str | Unset):
        span_id (str | Unset):
    """

    level: Level
    message: str
    trace_id: str | Unset = UNSET
    span_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        level: str = self.level

        message = self.message

        trace_id = self.trace_id

        span_id = self.span_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "level": level,
                "message": message,
            }
        )
        if trace_id is not UNSET:
            field_dict["trace_id"] = trace_id
        if span_id is not UNSET:
            field_dict["span_id"] = span_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        level = check_level(d.pop("level"))

        message = d.pop("message")

        trace_id = d.pop("trace_id", UNSET)

        span_id = d.pop("span_id", UNSET)

        event_log = cls(
            level=level,
            message=message,
            trace_id=trace_id,
            span_id=span_id,
        )

        event_log.additional_properties = d
        return event_log

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
