from typing import Literal

AnomalyRuleAggregate = Literal["avg", "count", "max", "min", "sum"]

ANOMALY_RULE_AGGREGATE_VALUES: set[AnomalyRuleAggregate] = {
    "avg",
    "count",
    "max",
    "min",
    "sum",
}


def check_anomaly_rule_aggregate(value: str) -> AnomalyRuleAggregate:
    if value in ANOMALY_RULE_AGGREGATE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {ANOMALY_RULE_AGGREGATE_VALUES!r}"
    )
