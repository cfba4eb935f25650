from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.event_kind import EventKind, check_event_kind
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.event_attributes import EventAttributes
    from ..models.event_heartbeat import EventHeartbeat
    from ..models.event_log import EventLog
    from ..models.event_metric import EventMetric
    from ..models.event_security import EventSecurity


T = TypeVar("T", bound="Event")


@_attrs_define
class Event:
    """The canonical envelope every event is normalized to (the same JSON is published on the
    Redis streams and pushed over WebSocket). Exactly one of `log`, `metric`, `security`,
    `heartbeat` is present, matching `kind`.

        Attributes:
            id (str):
            tenant (str):
            kind (EventKind):
            ts (datetime.datetime): When it happened (UTC).
            received_at (datetime.datetime): When the server accepted it (UTC).
            service (str):
            host (str | Unset):
            attributes (EventAttributes | Unset):
            log (EventLog | Unset):
            metric (EventMetric | Unset):
            security (EventSecurity | Unset):
            heartbeat (EventHeartbeat | Unset):
    """

    id: str
    tenant: str
    kind: EventKind
    ts: datetime.datetime
    received_at: datetime.datetime
    service: str
    host: str | Unset = UNSET
    attributes: EventAttributes | Unset = UNSET
    log: EventLog | Unset = UNSET
    metric: EventMetric | Unset = UNSET
    security: EventSecurity | Unset = UNSET
    heartbeat: EventHeartbeat | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        tenant = self.tenant

        kind: str = self.kind

        ts = self.ts.isoformat()

        received_at = self.received_at.isoformat()

        service = self.service

        host = self.host

        attributes: dict[str, Any] | Unset = UNSET
        if not isinstance(self.attributes, Unset):
            attributes = self.attributes.to_dict()

        log: dict[str, Any] | Unset = UNSET
        if not isinstance(self.log, Unset):
            log = self.log.to_dict()

        metric: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metric, Unset):
            metric = self.metric.to_dict()

        security: dict[str, Any] | Unset = UNSET
        if not isinstance(self.security, Unset):
            security = self.security.to_dict()

        heartbeat: dict[str, Any] | Unset = UNSET
        if not isinstance(self.heartbeat, Unset):
            heartbeat = self.heartbeat.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "tenant": tenant,
                "kind": kind,
                "ts": ts,
                "received_at": received_at,
                "service": service,
            }
        )
        if host is not UNSET:
            field_dict["host"] = host
        if attributes is not UNSET:
            field_dict["attributes"] = attributes
        if log is not UNSET:
            field_dict["log"] = log
        if metric is not UNSET:
            field_dict["metric"] = metric
        if security is not UNSET:
            field_dict["security"] = security
        if heartbeat is not UNSET:
            field_dict["heartbeat"] = heartbeat

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.event_attributes import EventAttributes
        from ..models.event_heartbeat import EventHeartbeat
        from ..models.event_log import EventLog
        from ..models.event_metric import EventMetric
        from ..models.event_security import EventSecurity

        d = dict(src_dict)
        id = d.pop("id")

        tenant = d.pop("tenant")

        kind = check_event_kind(d.pop("kind"))

        ts = datetime.datetime.fromisoformat(d.pop("ts"))

        received_at = datetime.datetime.fromisoformat(d.pop("received_at"))

        service = d.pop("service")

        host = d.pop("host", UNSET)

        _attributes = d.pop("attributes", UNSET)
        attributes: EventAttributes | Unset
        if isinstance(_attributes, Unset):
            attributes = UNSET
        else:
            attributes = EventAttributes.from_dict(_attributes)

        _log = d.pop("log", UNSET)
        log: EventLog | Unset
        if isinstance(_log, Unset):
            log = UNSET
        else:
            log = EventLog.from_dict(_log)

        _metric = d.pop("metric", UNSET)
        metric: EventMetric | Unset
        if isinstance(_metric, Unset):
            metric = UNSET
        else:
            metric = EventMetric.from_dict(_metric)

        _security = d.pop("security", UNSET)
        security: EventSecurity | Unset
        if isinstance(_security, Unset):
            security = UNSET
        else:
            security = EventSecurity.from_dict(_security)

        _heartbeat = d.pop("heartbeat", UNSET)
        heartbeat: EventHeartbeat | Unset
        if isinstance(_heartbeat, Unset):
            heartbeat = UNSET
        else:
            heartbeat = EventHeartbeat.from_dict(_heartbeat)

        event = cls(
            id=id,
            tenant=tenant,
            kind=kind,
            ts=ts,
            received_at=received_at,
            service=service,
            host=host,
            attributes=attributes,
            log=log,
            metric=metric,
            security=security,
            heartbeat=heartbeat,
        )

        event.additional_properties = d
        return event

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
