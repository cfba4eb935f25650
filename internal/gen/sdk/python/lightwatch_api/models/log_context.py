from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.event import Event


T = TypeVar("T", bound="LogContext")


@_attrs_define
class LogContext:
    """
    Attributes:
        event (Event): The canonical envelope every event is normalized to (the same JSON is published on the
            Redis streams and pushed over WebSocket). Exactly one of `log`, `metric`, `security`,
            `heartbeat` is present, matching `kind`.
        before (list[Event]): The events just before it, oldest first.
        after (list[Event]): The events just after it, oldest first.
    """

    event: Event
    before: list[Event]
    after: list[Event]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event = self.event.to_dict()

        before = []
        for before_item_data in self.before:
            before_item = before_item_data.to_dict()
            before.append(before_item)

        after = []
        for after_item_data in self.after:
            after_item = after_item_data.to_dict()
            after.append(after_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "event": event,
                "before": before,
                "after": after,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.event import Event

        d = dict(src_dict)
        event = Event.from_dict(d.pop("event"))

        before = []
        _before = d.pop("before")
        for before_item_data in _before:
            before_item = Event.from_dict(before_item_data)

            before.append(before_item)

        after = []
        _after = d.pop("after")
        for after_item_data in _after:
            after_item = Event.from_dict(after_item_data)

            after.append(after_item)

        log_context = cls(
            event=event,
            before=before,
            after=after,
        )

        log_context.additional_properties = d
        return log_context

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
