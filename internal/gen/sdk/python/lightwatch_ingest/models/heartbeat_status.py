from typing import Literal

HeartbeatStatus = Literal["degraded", "down", "up"]

HEARTBEAT_STATUS_VALUES: set[HeartbeatStatus] = {
    "degraded",
    "down",
    "up",
}


def check_heartbeat_status(value: str) -> HeartbeatStatus:
    if value in HEARTBEAT_STATUS_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {HEARTBEAT_STATUS_VALUES!r}"
    )
