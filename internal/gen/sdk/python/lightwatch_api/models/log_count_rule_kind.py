from typing import Literal

LogCountRuleKind = Literal["log_count"]

LOG_COUNT_RULE_KIND_VALUES: set[LogCountRuleKind] = {
    "log_count",
}


def check_log_count_rule_kind(value: str) -> LogCountRuleKind:
    if value in LOG_COUNT_RULE_KIND_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {LOG_COUNT_RULE_KIND_VALUES!r}"
    )
