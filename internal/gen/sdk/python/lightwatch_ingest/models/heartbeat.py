from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.heartbeat_status import HeartbeatStatus, check_heartbeat_status
from ..types import UNSET, Unset

T = TypeVar("T", bound="Heartbeat")


@_attrs_define
class Heartbeat:
    """A sign of life from one instance of a service.

    Attributes:
        service (str): The service the event is about. Example: checkout.
        instance (str): The instance (pod, process, host) reporting.
        id (str | Unset): Client-chosen event id, unique per tenant. Re-sending an event with an id that is already
            stored stores nothing twice. Omit it to have the server generate one (then retries are not
            deduplicated).
             Example: 01J0000000000000000000LOG1.
        status (HeartbeatStatus | Unset): What the instance says of itself; default `up`. Default: 'up'.
        interval_seconds (int | Unset): Seconds until the next heartbeat; the service is late after that and down after
            twice that. Default 30. Default: 30.
        host (str | Unset): Host name or address of the machine that produced the event. Example: web-1.
        ts (datetime.datetime | Unset): When the event happened (RFC 3339, any offset; stored in UTC), in the years 1678
            to 2261
            (the store keeps nanoseconds since 1970 in 64 bits). Defaults to the time the server received it.
            More than one minute after that time, it is stored as that time plus one minute: client
            clocks drift, but a timestamp far ahead would stay "the latest" for good.
             Example: 2026-11-27T10:00:00Z.
    """

    service: str
    instance: str
    id: str | Unset = UNSET
    status: HeartbeatStatus | Unset = "up"
    interval_seconds: int | Unset = 30
    host: str | Unset = UNSET
    ts: datetime.datetime | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        service = self.service

        instance = self.instance

        id = self.id

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status

        interval_seconds = self.interval_seconds

        host = self.host

        ts: str | Unset = UNSET
        if not isinstance(self.ts, Unset):
            ts = self.ts.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "service": service,
                "instance": instance,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id
        if status is not UNSET:
            field_dict["status"] = status
        if interval_seconds is not UNSET:
            field_dict["interval_seconds"] = interval_seconds
        if host is not UNSET:
            field_dict["host"] = host
        if ts is not UNSET:
            field_dict["ts"] = ts

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        service = d.pop("service")

        instance = d.pop("instance")

        id = d.pop("id", UNSET)

        _status = d.pop("status", UNSET)
        status: HeartbeatStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = check_heartbeat_status(_status)

        interval_seconds = d.pop("interval_seconds", UNSET)

        host = d.pop("host", UNSET)

        _ts = d.pop("ts", UNSET)
        ts: datetime.datetime | Unset
        if isinstance(_ts, Unset):
            ts = UNSET
        else:
            ts = datetime.datetime.fromisoformat(_ts)

        heartbeat = cls(
            service=service,
            instance=instance,
            id=id,
            status=status,
            interval_seconds=interval_seconds,
            host=host,
            ts=ts,
        )

        return heartbeat
