from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.service_info_state import ServiceInfoState, check_service_info_state
from ..models.service_info_status import ServiceInfoStatus, check_service_info_status
from ..types import UNSET, Unset

T = TypeVar("T", bound="ServiceInfo")


@_attrs_define
class ServiceInfo:
    """
    Attributes:
        name (str):
        last_seen (datetime.datetime):
        state (ServiceInfoState):
        last_heartbeat (datetime.datetime | Unset):
        status (ServiceInfoStatus | Unset): What the latest heartbeat said.
        interval_seconds (int | Unset):
        instance (str | Unset):
    """

    name: str
    last_seen: datetime.datetime
    state: ServiceInfoState
    last_heartbeat: datetime.datetime | Unset = UNSET
    status: ServiceInfoStatus | Unset = UNSET
    interval_seconds: int | Unset = UNSET
    instance: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        last_seen = self.last_seen.isoformat()

        state: str = self.state

        last_heartbeat: str | Unset = UNSET
        if not isinstance(self.last_heartbeat, Unset):
            last_heartbeat = self.last_heartbeat.isoformat()

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status

        interval_seconds = self.interval_seconds

        instance = self.instance

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "last_seen": last_seen,
                "state": state,
            }
        )
        if last_heartbeat is not UNSET:
            field_dict["last_heartbeat"] = last_heartbeat
        if status is not UNSET:
            field_dict["status"] = status
        if interval_seconds is not UNSET:
            field_dict["interval_seconds"] = interval_seconds
        if instance is not UNSET:
            field_dict["instance"] = instance

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        last_seen = datetime.datetime.fromisoformat(d.pop("last_seen"))

        state = check_service_info_state(d.pop("state"))

        _last_heartbeat = d.pop("last_heartbeat", UNSET)
        last_heartbeat: datetime.datetime | Unset
        if isinstance(_last_heartbeat, Unset):
            last_heartbeat = UNSET
        else:
            last_heartbeat = datetime.datetime.fromisoformat(_last_heartbeat)

        _status = d.pop("status", UNSET)
        status: ServiceInfoStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = check_service_info_status(_status)

        interval_seconds = d.pop("interval_seconds", UNSET)

        instance = d.pop("instance", UNSET)

        service_info = cls(
            name=name,
            last_seen=last_seen,
            state=state,
            last_heartbeat=last_heartbeat,
            status=status,
            interval_seconds=interval_seconds,
            instance=instance,
        )

        service_info.additional_properties = d
        return service_info

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
