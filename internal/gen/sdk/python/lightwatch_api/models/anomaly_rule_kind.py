from typing import Literal

AnomalyRuleKind = Literal["anomaly"]

ANOMALY_RULE_KIND_VALUES: set[AnomalyRuleKind] = {
    "anomaly",
}


def check_anomaly_rule_kind(value: str) -> AnomalyRuleKind:
    if value in ANOMALY_RULE_KIND_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {ANOMALY_RULE_KIND_VALUES!r}"
    )
