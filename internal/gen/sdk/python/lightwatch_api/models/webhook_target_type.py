from typing import Literal

WebhookTargetType = Literal["webhook"]

WEBHOOK_TARGET_TYPE_VALUES: set[WebhookTargetType] = {
    "webhook",
}


def check_webhook_target_type(value: str) -> WebhookTargetType:
    if value in WEBHOOK_TARGET_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {WEBHOOK_TARGET_TYPE_VALUES!r}"
    )
