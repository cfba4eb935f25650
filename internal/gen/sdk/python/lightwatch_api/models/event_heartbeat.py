from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.event_heartbeat_status import (
    EventHeartbeatStatus,
    check_event_heartbeat_status,
)

T = TypeVar("T", bound="EventHeartbeat")


@_attrs_define
class EventHeartbeat:
    """
    Attributes:
        instance (str):
        status (EventHeartbeatStatus):
        interval_seconds (int):
    """

    instance: str
    status: EventHeartbeatStatus
    interval_seconds: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        instance = self.instance

        status: str = self.status

        interval_seconds = self.interval_seconds

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "instance": instance,
                "status": status,
                "interval_seconds": interval_seconds,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        instance = d.pop("instance")

        status = check_event_heartbeat_status(d.pop("status"))

        interval_seconds = d.pop("interval_seconds")

        event_heartbeat = cls(
            instance=instance,
            status=status,
            interval_seconds=interval_seconds,
        )

        event_heartbeat.additional_properties = d
        return event_heartbeat

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
