from typing import Literal

SecurityRuleKind = Literal["security"]

SECURITY_RULE_KIND_VALUES: set[SecurityRuleKind] = {
    "security",
}


def check_security_rule_kind(value: str) -> SecurityRuleKind:
    if value in SECURITY_RULE_KIND_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SECURITY_RULE_KIND_VALUES!r}"
    )
