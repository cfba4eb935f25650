from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.alert_severity import AlertSeverity, check_alert_severity
from ..models.heartbeat_rule_kind import HeartbeatRuleKind, check_heartbeat_rule_kind
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.heartbeat_filter import HeartbeatFilter
    from ..models.heartbeat_rule_labels import HeartbeatRuleLabels
    from ..models.webhook_target import WebhookTarget


T = TypeVar("T", bound="HeartbeatRule")


@_attrs_define
class HeartbeatRule:
    """Fires for a service whose heartbeats stop for longer than its interval plus `grace`.

    Attributes:
        kind (HeartbeatRuleKind):
        name (str):
        filter_ (HeartbeatFilter | Unset):
        grace (str | Unset): A rule's `for` or `grace`, from `0s` (at once) to a day, such as `0s`, `30s`, `5m`, `1h` or
            `1d`. Example: 1m.
        description (str | Unset):
        for_ (str | Unset): A rule's `for` or `grace`, from `0s` (at once) to a day, such as `0s`, `30s`, `5m`, `1h` or
            `1d`. Example: 1m.
        severity (AlertSeverity | Unset):
        labels (HeartbeatRuleLabels | Unset):
        notify (list[WebhookTarget] | Unset):
        enabled (bool | Unset):
    """

    kind: HeartbeatRuleKind
    name: str
    filter_: HeartbeatFilter | Unset = UNSET
    grace: str | Unset = UNSET
    description: str | Unset = UNSET
    for_: str | Unset = UNSET
    severity: AlertSeverity | Unset = UNSET
    labels: HeartbeatRuleLabels | Unset = UNSET
    notify: list[WebhookTarget] | Unset = UNSET
    enabled: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        kind: str = self.kind

        name = self.name

        filter_: dict[str, Any] | Unset = UNSET
        if not isinstance(self.filter_, Unset):
            filter_ = self.filter_.to_dict()

        grace = self.grace

        description = self.description

        for_ = self.for_

        severity: str | Unset = UNSET
        if not isinstance(self.severity, Unset):
            severity = self.severity

        labels: dict[str, Any] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = self.labels.to_dict()

        notify: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.notify, Unset):
            notify = []
            for notify_item_data in self.notify:
                notify_item = notify_item_data.to_dict()
                notify.append(notify_item)

        enabled = self.enabled

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "kind": kind,
                "name": name,
            }
        )
        if filter_ is not UNSET:
            field_dict["filter"] = filter_
        if grace is not UNSET:
            field_dict["grace"] = grace
        if description is not UNSET:
            field_dict["description"] = description
        if for_ is not UNSET:
            field_dict["for"] = for_
        if severity is not UNSET:
            field_dict["severity"] = severity
        if labels is not UNSET:
            field_dict["labels"] = labels
        if notify is not UNSET:
            field_dict["notify"] = notify
        if enabled is not UNSET:
            field_dict["enabled"] = enabled

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.heartbeat_filter import HeartbeatFilter
        from ..models.heartbeat_rule_labels import HeartbeatRuleLabels
        from ..models.webhook_target import WebhookTarget

        d = dict(src_dict)
        kind = check_heartbeat_rule_kind(d.pop("kind"))

        name = d.pop("name")

        _filter_ = d.pop("filter", UNSET)
        filter_: HeartbeatFilter | Unset
        if isinstance(_filter_, Unset):
            filter_ = UNSET
        else:
            filter_ = HeartbeatFilter.from_dict(_filter_)

        grace = d.pop("grace", UNSET)

        description = d.pop("description", UNSET)

        for_ = d.pop("for", UNSET)

        _severity = d.pop("severity", UNSET)
        severity: AlertSeverity | Unset
        if isinstance(_severity, Unset):
            severity = UNSET
        else:
            severity = check_alert_severity(_severity)

        _labels = d.pop("labels", UNSET)
        labels: HeartbeatRuleLabels | Unset
        if isinstance(_labels, Unset):
            labels = UNSET
        else:
            labels = HeartbeatRuleLabels.from_dict(_labels)

        _notify = d.pop("notify", UNSET)
        notify: list[WebhookTarget] | Unset = UNSET
        if _notify is not UNSET:
            notify = []
            for notify_item_data in _notify:
                notify_item = WebhookTarget.from_dict(notify_item_data)

                notify.append(notify_item)

        enabled = d.pop("enabled", UNSET)

        heartbeat_rule = cls(
            kind=kind,
            name=name,
            filter_=filter_,
            grace=grace,
            description=description,
            for_=for_,
            severity=severity,
            labels=labels,
            notify=notify,
            enabled=enabled,
        )

        return heartbeat_rule
