from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.alert_severity import AlertSeverity, check_alert_severity
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.rule_common_labels import RuleCommonLabels
    from ..models.webhook_target import WebhookTarget


T = TypeVar("T", bound="RuleCommon")


@_attrs_define
class RuleCommon:
    """Fields every rule kind has.

    Attributes:
        name (str | Unset):
        description (str | Unset):
        for_ (str | Unset): A rule's `for` or `grace`, from `0s` (at once) to a day, such as `0s`, `30s`, `5m`, `1h` or
            `1d`. Example: 1m.
        severity (AlertSeverity | Unset):
        labels (RuleCommonLabels | Unset):
        notify (list[WebhookTarget] | Unset):
        enabled (bool | Unset):  Default: True.
    """

    name: str | Unset = UNSET
    description: str | Unset = UNSET
    for_: str | Unset = UNSET
    severity: AlertSeverity | Unset = UNSET
    labels: RuleCommonLabels | Unset = UNSET
    notify: list[WebhookTarget] | Unset = UNSET
    enabled: bool | Unset = True
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

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
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
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
        from ..models.rule_common_labels import RuleCommonLabels
        from ..models.webhook_target import WebhookTarget

        d = dict(src_dict)
        name = d.pop("name", UNSET)

        description = d.pop("description", UNSET)

        for_ = d.pop("for", UNSET)

        _severity = d.pop("severity", UNSET)
        severity: AlertSeverity | Unset
        if isinstance(_severity, Unset):
            severity = UNSET
        else:
            severity = check_alert_severity(_severity)

        _labels = d.pop("labels", UNSET)
        labels: RuleCommonLabels | Unset
        if isinstance(_labels, Unset):
            labels = UNSET
        else:
            labels = RuleCommonLabels.from_dict(_labels)

        _notify = d.pop("notify", UNSET)
        notify: list[WebhookTarget] | Unset = UNSET
        if _notify is not UNSET:
            notify = []
            for notify_item_data in _notify:
                notify_item = WebhookTarget.from_dict(notify_item_data)

                notify.append(notify_item)

        enabled = d.pop("enabled", UNSET)

        rule_common = cls(
            name=name,
            description=description,
            for_=for_,
            severity=severity,
            labels=labels,
            notify=notify,
            enabled=enabled,
        )

        rule_common.additional_properties = d
        return rule_common

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
