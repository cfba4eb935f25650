from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.log_event_level import LogEventLevel, check_log_event_level
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.attributes import Attributes


T = TypeVar("T", bound="LogEvent")


@_attrs_define
class LogEvent:
    """One log line.

    Attributes:
        service (str): The service the event is about. Example: checkout.
        message (str): The log message.
        id (str | Unset): Client-chosen event id, unique per tenant. Re-sending an event with an id that is already
            stored stores nothing twice. Omit it to have the server generate one (then retries are not
            deduplicated).
             Example: 01J0000000000000000000LOG1.
        level (LogEventLevel | Unset): Severity of the line; default `info`. Case-insensitive; `warning` is stored as
            `warn`
            and `critical` as `fatal`.
             Default: 'info'.
        ts (datetime.datetime | Unset): When the event happened (RFC 3339, any offset; stored in UTC), in the years 1678
            to 2261
            (the store keeps nanoseconds since 1970 in 64 bits). Defaults to the time the server received it.
            More than one minute after that time, it is stored as that time plus one minute: client
            clocks drift, but a timestamp far ahead would stay "the latest" for good.
             Example: 2026-11-27T10:00:00Z.
        host (str | Unset): Host name or address of the machine that produced the event. Example: web-1.
        attrs (Attributes | Unset): Free-form context, scalar values only (string, number, boolean). Keys may contain
            dots
            (`http.status`). At most 64 keys.
             Example: {'order_id': 'A-1001', 'http.status': 402}.
        trace_id (str | Unset): W3C trace id (32 hex digits) of the request the line belongs to.
        span_id (str | Unset): W3C span id (16 hex digits).
    """

    service: str
    message: str
    id: str | Unset = UNSET
    level: LogEventLevel | Unset = "info"
    ts: datetime.datetime | Unset = UNSET
    host: str | Unset = UNSET
    attrs: Attributes | Unset = UNSET
    trace_id: str | Unset = UNSET
    span_id: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        service = self.service

        message = self.message

        id = self.id

        level: str | Unset = UNSET
        if not isinstance(self.level, Unset):
            level = self.level

        ts: str | Unset = UNSET
        if not isinstance(self.ts, Unset):
            ts = self.ts.isoformat()

        host = self.host

        attrs: dict[str, Any] | Unset = UNSET
        if not isinstance(self.attrs, Unset):
            attrs = self.attrs.to_dict()

        trace_id = self.trace_id

        span_id = self.span_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "service": service,
                "message": message,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id
        if level is not UNSET:
            field_dict["level"] = level
        if ts is not UNSET:
            field_dict["ts"] = ts
        if host is not UNSET:
            field_dict["host"] = host
        if attrs is not UNSET:
            field_dict["attrs"] = attrs
        if trace_id is not UNSET:
            field_dict["trace_id"] = trace_id
        if span_id is not UNSET:
            field_dict["span_id"] = span_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.attributes import Attributes

        d = dict(src_dict)
        service = d.pop("service")

        message = d.pop("message")

        id = d.pop("id", UNSET)

        _level = d.pop("level", UNSET)
        level: LogEventLevel | Unset
        if isinstance(_level, Unset):
            level = UNSET
        else:
            level = check_log_event_level(_level)

        _ts = d.pop("ts", UNSET)
        ts: datetime.datetime | Unset
        if isinstance(_ts, Unset):
            ts = UNSET
        else:
            ts = datetime.datetime.fromisoformat(_ts)

        host = d.pop("host", UNSET)

        _attrs = d.pop("attrs", UNSET)
        attrs: Attributes | Unset
        if isinstance(_attrs, Unset):
            attrs = UNSET
        else:
            attrs = Attributes.from_dict(_attrs)

        trace_id = d.pop("trace_id", UNSET)

        span_id = d.pop("span_id", UNSET)

        log_event = cls(
            service=service,
            message=message,
            id=id,
            level=level,
            ts=ts,
            host=host,
            attrs=attrs,
            trace_id=trace_id,
            span_id=span_id,
        )

        return log_event
