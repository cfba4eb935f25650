from typing import Literal

ListSecurityEventsOutcome = Literal["failure", "success", "unknown"]

LIST_SECURITY_EVENTS_OUTCOME_VALUES: set[ListSecurityEventsOutcome] = {
    "failure",
    "success",
    "unknown",
}


def check_list_security_events_outcome(value: str) -> ListSecurityEventsOutcome:
    if value in LIST_SECURITY_EVENTS_OUTCOME_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {LIST_SECURITY_EVENTS_OUTCOME_VALUES!r}"
    )
