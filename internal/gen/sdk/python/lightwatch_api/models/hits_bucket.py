from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.hits_bucket_groups import HitsBucketGroups


T = TypeVar("T", bound="HitsBucket")


@_attrs_define
class HitsBucket:
    """
    Attributes:
        ts (datetime.datetime): Start of the step.
        total (int):
        groups (HitsBucketGroups | Unset): With `group_by`, the count per value (`""` for events without the field).
    """

    ts: datetime.datetime
    total: int
    groups: HitsBucketGroups | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ts = self.ts.isoformat()

        total = self.total

        groups: dict[str, Any] | Unset = UNSET
        if not isinstance(self.groups, Unset):
            groups = self.groups.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ts": ts,
                "total": total,
            }
        )
        if groups is not UNSET:
            field_dict["groups"] = groups

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.hits_bucket_groups import HitsBucketGroups

        d = dict(src_dict)
        ts = datetime.datetime.fromisoformat(d.pop("ts"))

        total = d.pop("total")

        _groups = d.pop("groups", UNSET)
        groups: HitsBucketGroups | Unset
        if isinstance(_groups, Unset):
            groups = UNSET
        else:
            groups = HitsBucketGroups.from_dict(_groups)

        hits_bucket = cls(
            ts=ts,
            total=total,
            groups=groups,
        )

        hits_bucket.additional_properties = d
        return hits_bucket

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
