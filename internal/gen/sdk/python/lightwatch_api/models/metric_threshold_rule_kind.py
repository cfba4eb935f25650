from typing import Literal

MetricThresholdRuleKind = Literal["metric_threshold"]

METRIC_THRESHOLD_RULE_KIND_VALUES: set[MetricThresholdRuleKind] = {
    "metric_threshold",
}


def check_metric_threshold_rule_kind(value: str) -> MetricThresholdRuleKind:
    if value in METRIC_THRESHOLD_RULE_KIND_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {METRIC_THRESHOLD_RULE_KIND_VALUES!r}"
    )
