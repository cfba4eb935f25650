from typing import Literal

EventHeartbeatStatus = Literal["degraded", "down", "up"]

EVENT_HEARTBEAT_STATUS_VALUES: set[EventHeartbeatStatus] = {
    "degraded",
    "down",
    "up",
}


def check_event_heartbeat_status(value: str) -> EventHeartbeatStatus:
    if value in EVENT_HEARTBEAT_STATUS_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {EVENT_HEARTBEAT_STATUS_VALUES!r}"
    )
