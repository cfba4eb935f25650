from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.es_bulk_result_items_item_additional_property_error import (
        EsBulkResultItemsItemAdditionalPropertyError,
    )


T = TypeVar("T", bound="EsBulkResultItemsItemAdditionalProperty")


@_attrs_define
class EsBulkResultItemsItemAdditionalProperty:
    """
    Attributes:
        field_index (str):
        status (int):
        field_id (str | Unset):
        result (str | Unset):
        error (EsBulkResultItemsItemAdditionalPropertyError | Unset):
    """

    field_index: str
    status: int
    field_id: str | Unset = UNSET
    result: str | Unset = UNSET
    error: EsBulkResultItemsItemAdditionalPropertyError | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field_index = self.field_index

        status = self.status

        field_id = self.field_id

        result = self.result

        error: dict[str, Any] | Unset = UNSET
        if not isinstance(self.error, Unset):
            error = self.error.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "_index": field_index,
                "status": status,
            }
        )
        if field_id is not UNSET:
            field_dict["_id"] = field_id
        if result is not UNSET:
            field_dict["result"] = result
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.es_bulk_result_items_item_additional_property_error import (
            EsBulkResultItemsItemAdditionalPropertyError,
        )

        d = dict(src_dict)
        field_index = d.pop("_index")

        status = d.pop("status")

        field_id = d.pop("_id", UNSET)

        result = d.pop("result", UNSET)

        _error = d.pop("error", UNSET)
        error: EsBulkResultItemsItemAdditionalPropertyError | Unset
        if isinstance(_error, Unset):
            error = UNSET
        else:
            error = EsBulkResultItemsItemAdditionalPropertyError.from_dict(_error)

        es_bulk_result_items_item_additional_property = cls(
            field_index=field_index,
            status=status,
            field_id=field_id,
            result=result,
            error=error,
        )

        es_bulk_result_items_item_additional_property.additional_properties = d
        return es_bulk_result_items_item_additional_property

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
