from typing import Literal

HeartbeatRuleKind = Literal["heartbeat"]

HEARTBEAT_RULE_KIND_VALUES: set[HeartbeatRuleKind] = {
    "heartbeat",
}


def check_heartbeat_rule_kind(value: str) -> HeartbeatRuleKind:
    if value in HEARTBEAT_RULE_KIND_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {HEARTBEAT_RULE_KIND_VALUES!r}"
    )
