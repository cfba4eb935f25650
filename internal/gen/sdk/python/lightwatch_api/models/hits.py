from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.hits_bucket import HitsBucket


T = TypeVar("T", bound="Hits")


@_attrs_define
class Hits:
    """
    Attributes:
        from_ (datetime.datetime):
        to (datetime.datetime):
        step (str): The step used, such as `30s` or `5m`.
        buckets (list[HitsBucket]): The steps holding events, oldest first.
        group_by (str | Unset): The field counted per value
    """

    from_: datetime.datetime
    to: datetime.datetime
    step: str
    buckets: list[HitsBucket]
    group_by: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from_ = self.from_.isoformat()

        to = self.to.isoformat()

        step = self.step

        buckets = []
        for buckets_item_data in self.buckets:
            buckets_item = buckets_item_data.to_dict()
            buckets.append(buckets_item)

        group_by = self.group_by

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "from": from_,
                "to": to,
                "step": step,
                "buckets": buckets,
            }
        )
        if group_by is not UNSET:
            field_dict["group_by"] = group_by

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.hits_bucket import HitsBucket

        d = dict(src_dict)
        from_ = datetime.datetime.fromisoformat(d.pop("from"))

        to = datetime.datetime.fromisoformat(d.pop("to"))

        step = d.pop("step")

        buckets = []
        _buckets = d.pop("buckets")
        for buckets_item_data in _buckets:
            buckets_item = HitsBucket.from_dict(buckets_item_data)

            buckets.append(buckets_item)

        group_by = d.pop("group_by", UNSET)

        hits = cls(
            from_=from_,
            to=to,
            step=step,
            buckets=buckets,
            group_by=group_by,
        )

        hits.additional_properties = d
        return hits

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
