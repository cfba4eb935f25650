from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.alert_severity import AlertSeverity, check_alert_severity
from ..models.alert_state import AlertState, check_alert_state
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.alert_labels import AlertLabels


T = TypeVar("T", bound="Alert")


@_attrs_define
class Alert:
    """
    Attributes:
        id (str):
        rule_id (str):
        rule_name (str):
        labels (AlertLabels):
        severity (AlertSeverity):
        state (AlertState):
        started_at (datetime.datetime): When the condition first held.
        value (float): The value that triggered it.
        fired_at (datetime.datetime | Unset): When it fired (after the rule's `for`).
        resolved_at (datetime.datetime | Unset):
        summary (str | Unset):
        notify_error (str | Unset): The last notification failure
    """

    id: str
    rule_id: str
    rule_name: str
    labels: AlertLabels
    severity: AlertSeverity
    state: AlertState
    started_at: datetime.datetime
    value: float
    fired_at: datetime.datetime | Unset = UNSET
    resolved_at: datetime.datetime | Unset = UNSET
    summary: str | Unset = UNSET
    notify_error: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        rule_id = self.rule_id

        rule_name = self.rule_name

        labels = self.labels.to_dict()

        severity: str = self.severity

        state: str = self.state

        started_at = self.started_at.isoformat()

        value = self.value

        fired_at: str | Unset = UNSET
        if not isinstance(self.fired_at, Unset):
            fired_at = self.fired_at.isoformat()

        resolved_at: str | Unset = UNSET
        if not isinstance(self.resolved_at, Unset):
            resolved_at = self.resolved_at.isoformat()

        summary = self.summary

        notify_error = self.notify_error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "rule_id": rule_id,
                "rule_name": rule_name,
                "labels": labels,
                "severity": severity,
                "state": state,
                "started_at": started_at,
                "value": value,
            }
        )
        if fired_at is not UNSET:
            field_dict["fired_at"] = fired_at
        if resolved_at is not UNSET:
            field_dict["resolved_at"] = resolved_at
        if summary is not UNSET:
            field_dict["summary"] = summary
        if notify_error is not UNSET:
            field_dict["notify_error"] = notify_error

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.alert_labels import AlertLabels

        d = dict(src_dict)
        id = d.pop("id")

        rule_id = d.pop("rule_id")

        rule_name = d.pop("rule_name")

        labels = AlertLabels.from_dict(d.pop("labels"))

        severity = check_alert_severity(d.pop("severity"))

        state = check_alert_state(d.pop("state"))

        started_at = datetime.datetime.fromisoformat(d.pop("started_at"))

        value = d.pop("value")

        _fired_at = d.pop("fired_at", UNSET)
        fired_at: datetime.datetime | Unset
        if isinstance(_fired_at, Unset):
            fired_at = UNSET
        else:
            fired_at = datetime.datetime.fromisoformat(_fired_at)

        _resolved_at = d.pop("resolved_at", UNSET)
        resolved_at: datetime.datetime | Unset
        if isinstance(_resolved_at, Unset):
            resolved_at = UNSET
        else:
            resolved_at = datetime.datetime.fromisoformat(_resolved_at)

        summary = d.pop("summary", UNSET)

        notify_error = d.pop("notify_error", UNSET)

        alert = cls(
            id=id,
            rule_id=rule_id,
            rule_name=rule_name,
            labels=labels,
            severity=severity,
            state=state,
            started_at=started_at,
            value=value,
            fired_at=fired_at,
            resolved_at=resolved_at,
            summary=summary,
            notify_error=notify_error,
        )

        alert.additional_properties = d
        return alert

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
