from typing import Literal

SecurityHitsOutcome = Literal["failure", "success", "unknown"]

SECURITY_HITS_OUTCOME_VALUES: set[SecurityHitsOutcome] = {
    "failure",
    "success",
    "unknown",
}


def check_security_hits_outcome(value: str) -> SecurityHitsOutcome:
    if value in SECURITY_HITS_OUTCOME_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SECURITY_HITS_OUTCOME_VALUES!r}"
    )
