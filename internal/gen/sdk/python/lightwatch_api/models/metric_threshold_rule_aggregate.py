from typing import Literal

MetricThresholdRuleAggregate = Literal["avg", "count", "max", "min", "sum"]

METRIC_THRESHOLD_RULE_AGGREGATE_VALUES: set[MetricThresholdRuleAggregate] = {
    "avg",
    "count",
    "max",
    "min",
    "sum",
}


def check_metric_threshold_rule_aggregate(value: str) -> MetricThresholdRuleAggregate:
    if value in METRIC_THRESHOLD_RULE_AGGREGATE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {METRIC_THRESHOLD_RULE_AGGREGATE_VALUES!r}"
    )
