from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.loki_push_request_streams_item_stream import (
        LokiPushRequestStreamsItemStream,
    )


T = TypeVar("T", bound="LokiPushRequestStreamsItem")


@_attrs_define
class LokiPushRequestStreamsItem:
    """
    Attributes:
        stream (LokiPushRequestStreamsItemStream): The stream's labels.
        values (list[list[Any]]): [["<unix epoch ns>", "<line>"], ...], optionally with a third element: structured
            metadata (an object of strings).
    """

    stream: LokiPushRequestStreamsItemStream
    values: list[list[Any]]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        stream = self.stream.to_dict()

        values = []
        for values_item_data in self.values:
            values_item = values_item_data

            values.append(values_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "stream": stream,
                "values": values,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.loki_push_request_streams_item_stream import (
            LokiPushRequestStreamsItemStream,
        )

        d = dict(src_dict)
        stream = LokiPushRequestStreamsItemStream.from_dict(d.pop("stream"))

        values = []
        _values = d.pop("values")
        for values_item_data in _values:
            values_item = cast(list[Any], values_item_data)

            values.append(values_item)

        loki_push_request_streams_item = cls(
            stream=stream,
            values=values,
        )

        loki_push_request_streams_item.additional_properties = d
        return loki_push_request_streams_item

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
