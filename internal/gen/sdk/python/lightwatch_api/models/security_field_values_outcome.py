from typing import Literal

SecurityFieldValuesOutcome = Literal["failure", "success", "unknown"]

SECURITY_FIELD_VALUES_OUTCOME_VALUES: set[SecurityFieldValuesOutcome] = {
    "failure",
    "success",
    "unknown",
}


def check_security_field_values_outcome(value: str) -> SecurityFieldValuesOutcome:
    if value in SECURITY_FIELD_VALUES_OUTCOME_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SECURITY_FIELD_VALUES_OUTCOME_VALUES!r}"
    )
