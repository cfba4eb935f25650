from typing import Literal

ServiceInfoState = Literal["degraded", "down", "late", "unknown", "up"]

SERVICE_INFO_STATE_VALUES: set[ServiceInfoState] = {
    "degraded",
    "down",
    "late",
    "unknown",
    "up",
}


def check_service_info_state(value: str) -> ServiceInfoState:
    if value in SERVICE_INFO_STATE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SERVICE_INFO_STATE_VALUES!r}"
    )
