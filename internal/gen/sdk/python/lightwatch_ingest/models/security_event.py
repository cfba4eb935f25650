from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.security_event_outcome import (
    SecurityEventOutcome,
    check_security_event_outcome,
)
from ..models.security_event_severity import (
    SecurityEventSeverity,
    check_security_event_severity,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.attributes import Attributes


T = TypeVar("T", bound="SecurityEvent")


@_attrs_define
class SecurityEvent:
    """One security-relevant event.

    Attributes:
        category (str): What kind of event, e.g. `authentication`, `web_attack`, `malware`, `policy`.
        severity (SecurityEventSeverity): Case-insensitive; stored in lower case.
        id (str | Unset): Client-chosen event id, unique per tenant. Re-sending an event with an id that is already
            stored stores nothing twice. Omit it to have the server generate one (then retries are not
            deduplicated).
             Example: 01J0000000000000000000LOG1.
        service (str | Unset): The service the event is about. Example: checkout.
        source (str | Unset): The system that detected the event (IDS, WAF, auth server); used as the service when
            `service` is absent.
        action (str | Unset): What was attempted, e.g. `login`, `file_access`.
        outcome (SecurityEventOutcome | Unset): What came of it.
        actor (str | Unset): Who did it (user name, account, client id).
        src_ip (Any | Unset): Source IP address (IPv4 or IPv6). Example: 203.0.113.7.
        message (str | Unset): Human-readable description.
        host (str | Unset): Host name or address of the machine that produced the event. Example: web-1.
        attrs (Attributes | Unset): Free-form context, scalar values only (string, number, boolean). Keys may contain
            dots
            (`http.status`). At most 64 keys.
             Example: {'order_id': 'A-1001', 'http.status': 402}.
        ts (datetime.datetime | Unset): When the event happened (RFC 3339, any offset; stored in UTC), in the years 1678
            to 2261
            (the store keeps nanoseconds since 1970 in 64 bits). Defaults to the time the server received it.
            More than one minute after that time, it is stored as that time plus one minute: client
            clocks drift, but a timestamp far ahead would stay "the latest" for good.
             Example: 2026-11-27T10:00:00Z.
    """

    category: str
    severity: SecurityEventSeverity
    id: str | Unset = UNSET
    service: str | Unset = UNSET
    source: str | Unset = UNSET
    action: str | Unset = UNSET
    outcome: SecurityEventOutcome | Unset = UNSET
    actor: str | Unset = UNSET
    src_ip: Any | Unset = UNSET
    message: str | Unset = UNSET
    host: str | Unset = UNSET
    attrs: Attributes | Unset = UNSET
    ts: datetime.datetime | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        category = self.category

        severity: str = self.severity

        id = self.id

        service = self.service

        source = self.source

        action = self.action

        outcome: str | Unset = UNSET
        if not isinstance(self.outcome, Unset):
            outcome = self.outcome

        actor = self.actor

        src_ip: Any | Unset
        if isinstance(self.src_ip, Unset):
            src_ip = UNSET
        else:
            src_ip = self.src_ip

        message = self.message

        host = self.host

        attrs: dict[str, Any] | Unset = UNSET
        if not isinstance(self.attrs, Unset):
            attrs = self.attrs.to_dict()

        ts: str | Unset = UNSET
        if not isinstance(self.ts, Unset):
            ts = self.ts.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "category": category,
                "severity": severity,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id
        if service is not UNSET:
            field_dict["service"] = service
        if source is not UNSET:
            field_dict["source"] = source
        if action is not UNSET:
            field_dict["action"] = action
        if outcome is not UNSET:
            field_dict["outcome"] = outcome
        if actor is not UNSET:
            field_dict["actor"] = actor
        if src_ip is not UNSET:
            field_dict["src_ip"] = src_ip
        if message is not UNSET:
            field_dict["message"] = message
        if host is not UNSET:
            field_dict["host"] = host
        if attrs is not UNSET:
            field_dict["attrs"] = attrs
        if ts is not UNSET:
            field_dict["ts"] = ts

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.attributes import Attributes

        d = dict(src_dict)
        category = d.pop("category")

        severity = check_security_event_severity(d.pop("severity"))

        id = d.pop("id", UNSET)

        service = d.pop("service", UNSET)

        source = d.pop("source", UNSET)

        action = d.pop("action", UNSET)

        _outcome = d.pop("outcome", UNSET)
        outcome: SecurityEventOutcome | Unset
        if isinstance(_outcome, Unset):
            outcome = UNSET
        else:
            outcome = check_security_event_outcome(_outcome)

        actor = d.pop("actor", UNSET)

        def _parse_src_ip(data: object) -> Any | Unset:
            if isinstance(data, Unset):
                return data
            return cast(Any | Unset, data)

        src_ip = _parse_src_ip(d.pop("src_ip", UNSET))

        message = d.pop("message", UNSET)

        host = d.pop("host", UNSET)

        _attrs = d.pop("attrs", UNSET)
        attrs: Attributes | Unset
        if isinstance(_attrs, Unset):
            attrs = UNSET
        else:
            attrs = Attributes.from_dict(_attrs)

        _ts = d.pop("ts", UNSET)
        ts: datetime.datetime | Unset
        if isinstance(_ts, Unset):
            ts = UNSET
        else:
            ts = datetime.datetime.fromisoformat(_ts)

        security_event = cls(
            category=category,
            severity=severity,
            id=id,
            service=service,
            source=source,
            action=action,
            outcome=outcome,
            actor=actor,
            src_ip=src_ip,
            message=message,
            host=host,
            attrs=attrs,
            ts=ts,
        )

        return security_event
