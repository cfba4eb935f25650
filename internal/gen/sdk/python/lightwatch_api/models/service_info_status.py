from typing import Literal

ServiceInfoStatus = Literal["degraded", "down", "up"]

SERVICE_INFO_STATUS_VALUES: set[ServiceInfoStatus] = {
    "degraded",
    "down",
    "up",
}


def check_service_info_status(value: str) -> ServiceInfoStatus:
    if value in SERVICE_INFO_STATUS_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SERVICE_INFO_STATUS_VALUES!r}"
    )
