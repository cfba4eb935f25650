from typing import Literal

ListAlertsOrder = Literal["asc", "desc"]

LIST_ALERTS_ORDER_VALUES: set[ListAlertsOrder] = {
    "asc",
    "desc",
}


def check_list_alerts_order(value: str) -> ListAlertsOrder:
    if value in LIST_ALERTS_ORDER_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {LIST_ALERTS_ORDER_VALUES!r}"
    )
