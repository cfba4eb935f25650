from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.severity import Severity, check_severity
from ..types import UNSET, Unset

T = TypeVar("T", bound="EventSecurity")


@_attrs_define
class EventSecurity:
    """
    Attributes:
        category (str):
        severity (Severity):
        source (str | Unset):
        action (str | Unset):
        outcome (str | Unset):
        actor (str | Unset):
        src_ip (str | Unset):
        message (str | Unset):
    """

    category: str
    severity: Severity
    source: str | Unset = UNSET
    action: str | Unset = UNSET
    outcome: str | Unset = UNSET
    actor: str | Unset = UNSET
    src_ip: str | Unset = UNSET
    message: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        category = self.category

        severity: str = self.severity

        source = self.source

        action = self.action

        outcome = self.outcome

        actor = self.actor

        src_ip = self.src_ip

        message = self.message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "category": category,
                "severity": severity,
            }
        )
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

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        category = d.pop("category")

        severity = check_severity(d.pop("severity"))

        source = d.pop("source", UNSET)

        action = d.pop("action", UNSET)

        outcome = d.pop("outcome", UNSET)

        actor = d.pop("actor", UNSET)

        src_ip = d.pop("src_ip", UNSET)

        message = d.pop("message", UNSET)

        event_security = cls(
            category=category,
            severity=severity,
            source=source,
            action=action,
            outcome=outcome,
            actor=actor,
            src_ip=src_ip,
            message=message,
        )

        event_security.additional_properties = d
        return event_security

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
