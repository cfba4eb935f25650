from typing import Literal

SecurityFieldValuesField = Literal[
    "actor", "category", "host", "outcome", "service", "severity", "src_ip"
]

SECURITY_FIELD_VALUES_FIELD_VALUES: set[SecurityFieldValuesField] = {
    "actor",
    "category",
    "host",
    "outcome",
    "service",
    "severity",
    "src_ip",
}


def check_security_field_values_field(value: str) -> SecurityFieldValuesField:
    if value in SECURITY_FIELD_VALUES_FIELD_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SECURITY_FIELD_VALUES_FIELD_VALUES!r}"
    )
