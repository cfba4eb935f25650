from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.webhook_target_type import WebhookTargetType, check_webhook_target_type
from ..types import UNSET, Unset

T = TypeVar("T", bound="WebhookTarget")


@_attrs_define
class WebhookTarget:
    """
    Attributes:
        type_ (WebhookTargetType):
        url (str): An http or https URL (RFC 3986; no IPv6 literals, non-ASCII characters percent-encoded).
        secret (str | Unset): Signs each delivery (HMAC-SHA256 in the `X-Lightwatch-Signature` header). Never shown
            back.
    """

    type_: WebhookTargetType
    url: str
    secret: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        type_: str = self.type_

        url = self.url

        secret = self.secret

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
                "url": url,
            }
        )
        if secret is not UNSET:
            field_dict["secret"] = secret

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        type_ = check_webhook_target_type(d.pop("type"))

        url = d.pop("url")

        secret = d.pop("secret", UNSET)

        webhook_target = cls(
            type_=type_,
            url=url,
            secret=secret,
        )

        return webhook_target
