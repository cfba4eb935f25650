from typing import Literal

SecurityHitsGroupBy = Literal["category", "service", "severity"]

SECURITY_HITS_GROUP_BY_VALUES: set[SecurityHitsGroupBy] = {
    "category",
    "service",
    "severity",
}


def check_security_hits_group_by(value: str) -> SecurityHitsGroupBy:
    if value in SECURITY_HITS_GROUP_BY_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SECURITY_HITS_GROUP_BY_VALUES!r}"
    )
