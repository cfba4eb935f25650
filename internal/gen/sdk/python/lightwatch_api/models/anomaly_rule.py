from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.alert_severity import AlertSeverity, check_alert_severity
from ..models.anomaly_rule_aggregate import (
    AnomalyRuleAggregate,
    check_anomaly_rule_aggregate,
)
from ..models.anomaly_rule_kind import AnomalyRuleKind, check_anomaly_rule_kind
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.anomaly_rule_labels import AnomalyRuleLabels
    from ..models.metric_filter import MetricFilter
    from ..models.webhook_target import WebhookTarget


T = TypeVar("T", bound="AnomalyRule")


@_attrs_define
class AnomalyRule:
    """A metric series departing from its own recent behaviour: the `aggregate` of each
    `window` is compared with a rolling mean and standard deviation (EWMA); it fires when
    the z-score exceeds `sensitivity`, after `warmup` of history.

        Attributes:
            kind (AnomalyRuleKind):
            filter_ (MetricFilter):
            name (str):
            aggregate (AnomalyRuleAggregate | Unset):
            sensitivity (float | Unset):
            warmup (str | Unset): An anomaly rule's warm-up, from 1 minute to 7 days, such as `90s`, `30m`, `6h` or `7d`.
                Example: 30m.
            window (str | Unset): A rule's evaluation window, from 10 seconds to a day, such as `30s`, `5m`, `1h` or `1d`.
                Example: 5m.
            description (str | Unset):
            for_ (str | Unset): A rule's `for` or `grace`, from `0s` (at once) to a day, such as `0s`, `30s`, `5m`, `1h` or
                `1d`. Example: 1m.
            severity (AlertSeverity | Unset):
            labels (AnomalyRuleLabels | Unset):
            notify (list[WebhookTarget] | Unset):
            enabled (bool | Unset):
    """

    kind: AnomalyRuleKind
    filter_: MetricFilter
    name: str
    aggregate: AnomalyRuleAggregate | Unset = UNSET
    sensitivity: float | Unset = UNSET
    warmup: str | Unset = UNSET
    window: str | Unset = UNSET
    description: str | Unset = UNSET
    for_: str | Unset = UNSET
    severity: AlertSeverity | Unset = UNSET
    labels: AnomalyRuleLabels | Unset = UNSET
    notify: list[WebhookTarget] | Unset = UNSET
    enabled: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        kind: str = self.kind

        filter_ = self.filter_.to_dict()

        name = self.name

        aggregate: str | Unset = UNSET
        if not isinstance(self.aggregate, Unset):
            aggregate = self.aggregate

        sensitivity = self.sensitivity

        warmup = self.warmup

        window = self.window

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
                "filter": filter_,
                "name": name,
            }
        )
        if aggregate is not UNSET:
            field_dict["aggregate"] = aggregate
        if sensitivity is not UNSET:
            field_dict["sensitivity"] = sensitivity
        if warmup is not UNSET:
            field_dict["warmup"] = warmup
        if window is not UNSET:
            field_dict["window"] = window
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
        from ..models.anomaly_rule_labels import AnomalyRuleLabels
        from ..models.metric_filter import MetricFilter
        from ..models.webhook_target import WebhookTarget

        d = dict(src_dict)
        kind = check_anomaly_rule_kind(d.pop("kind"))

        filter_ = MetricFilter.from_dict(d.pop("filter"))

        name = d.pop("name")

        _aggregate = d.pop("aggregate", UNSET)
        aggregate: AnomalyRuleAggregate | Unset
        if isinstance(_aggregate, Unset):
            aggregate = UNSET
        else:
            aggregate = check_anomaly_rule_aggregate(_aggregate)

        sensitivity = d.pop("sensitivity", UNSET)

        warmup = d.pop("warmup", UNSET)

        window = d.pop("window", UNSET)

        description = d.pop("description", UNSET)

        for_ = d.pop("for", UNSET)

        _severity = d.pop("severity", UNSET)
        severity: AlertSeverity | Unset
        if isinstance(_severity, Unset):
            severity = UNSET
        else:
            severity = check_alert_severity(_severity)

        _labels = d.pop("labels", UNSET)
        labels: AnomalyRuleLabels | Unset
        if isinstance(_labels, Unset):
            labels = UNSET
        else:
            labels = AnomalyRuleLabels.from_dict(_labels)

        _notify = d.pop("notify", UNSET)
        notify: list[WebhookTarget] | Unset = UNSET
        if _notify is not UNSET:
            notify = []
            for notify_item_data in _notify:
                notify_item = WebhookTarget.from_dict(notify_item_data)

                notify.append(notify_item)

        enabled = d.pop("enabled", UNSET)

        anomaly_rule = cls(
            kind=kind,
            filter_=filter_,
            name=name,
            aggregate=aggregate,
            sensitivity=sensitivity,
            warmup=warmup,
            window=window,
            description=description,
            for_=for_,
            severity=severity,
            labels=labels,
            notify=notify,
            enabled=enabled,
        )

        return anomaly_rule
