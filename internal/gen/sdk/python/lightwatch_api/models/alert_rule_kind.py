from typing import Literal

AlertRuleKind = Literal[
    "anomaly", "heartbeat", "log_count", "metric_threshold", "security"
]

ALERT_RULE_KIND_VALUES: set[AlertRuleKind] = {
    "anomaly",
    "heartbeat",
    "log_count",
    "metric_threshold",
    "security",
}


def check_alert_rule_kind(value: str) -> AlertRuleKind:
    if value in ALERT_RULE_KIND_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {ALERT_RULE_KIND_VALUES!r}"
    )
