import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.event_page import EventPage
from ...models.level import Level
from ...models.list_logs_order import ListLogsOrder
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    service: list[str] | Unset = UNSET,
    level: list[Level] | Unset = UNSET,
    host: str | Unset = UNSET,
    q: str | Unset = UNSET,
    attr: list[str] | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    limit: int | Unset = 100,
    order: ListLogsOrder | Unset = "desc",
    cursor: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_service: list[str] | Unset = UNSET
    if not isinstance(service, Unset):
        json_service = service

    params["service"] = json_service

    json_level: list[str] | Unset = UNSET
    if not isinstance(level, Unset):
        json_level = []
        for level_item_data in level:
            level_item: str = level_item_data
            json_level.append(level_item)

    params["level"] = json_level

    params["host"] = host

    params["q"] = q

    json_attr: list[str] | Unset = UNSET
    if not isinstance(attr, Unset):
        json_attr = attr

    params["attr"] = json_attr

    json_from_: str | Unset = UNSET
    if not isinstance(from_, Unset):
        json_from_ = from_.isoformat()
    params["from"] = json_from_

    json_to: str | Unset = UNSET
    if not isinstance(to, Unset):
        json_to = to.isoformat()
    params["to"] = json_to

    params["limit"] = limit

    json_order: str | Unset = UNSET
    if not isinstance(order, Unset):
        json_order = order

    params["order"] = json_order

    params["cursor"] = cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/logs",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> EventPage | Problem | None:
    if response.status_code == 200:
        response_200 = EventPage.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[EventPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    service: list[str] | Unset = UNSET,
    level: list[Level] | Unset = UNSET,
    host: str | Unset = UNSET,
    q: str | Unset = UNSET,
    attr: list[str] | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    limit: int | Unset = 100,
    order: ListLogsOrder | Unset = "desc",
    cursor: str | Unset = UNSET,
) -> Response[EventPage | Problem]:
    """List log events

    Args:
        service (list[str] | Unset):
        level (list[Level] | Unset):
        host (str | Unset):
        q (str | Unset):
        attr (list[str] | Unset):
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        limit (int | Unset):  Default: 100.
        order (ListLogsOrder | Unset):  Default: 'desc'.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EventPage | Problem]
    """

    kwargs = _get_kwargs(
        service=service,
        level=level,
        host=host,
        q=q,
        attr=attr,
        from_=from_,
        to=to,
        limit=limit,
        order=order,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    service: list[str] | Unset = UNSET,
    level: list[Level] | Unset = UNSET,
    host: str | Unset = UNSET,
    q: str | Unset = UNSET,
    attr: list[str] | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    limit: int | Unset = 100,
    order: ListLogsOrder | Unset = "desc",
    cursor: str | Unset = UNSET,
) -> EventPage | Problem | None:
    """List log events

    Args:
        service (list[str] | Unset):
        level (list[Level] | Unset):
        host (str | Unset):
        q (str | Unset):
        attr (list[str] | Unset):
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        limit (int | Unset):  Default: 100.
        order (ListLogsOrder | Unset):  Default: 'desc'.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EventPage | Problem
    """

    return sync_detailed(
        client=client,
        service=service,
        level=level,
        host=host,
        q=q,
        attr=attr,
        from_=from_,
        to=to,
        limit=limit,
        order=order,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    service: list[str] | Unset = UNSET,
    level: list[Level] | Unset = UNSET,
    host: str | Unset = UNSET,
    q: str | Unset = UNSET,
    attr: list[str] | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    limit: int | Unset = 100,
    order: ListLogsOrder | Unset = "desc",
    cursor: str | Unset = UNSET,
) -> Response[EventPage | Problem]:
    """List log events

    Args:
        service (list[str] | Unset):
        level (list[Level] | Unset):
        host (str | Unset):
        q (str | Unset):
        attr (list[str] | Unset):
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        limit (int | Unset):  Default: 100.
        order (ListLogsOrder | Unset):  Default: 'desc'.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EventPage | Problem]
    """

    kwargs = _get_kwargs(
        service=service,
        level=level,
        host=host,
        q=q,
        attr=attr,
        from_=from_,
        to=to,
        limit=limit,
        order=order,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    service: list[str] | Unset = UNSET,
    level: list[Level] | Unset = UNSET,
    host: str | Unset = UNSET,
    q: str | Unset = UNSET,
    attr: list[str] | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    limit: int | Unset = 100,
    order: ListLogsOrder | Unset = "desc",
    cursor: str | Unset = UNSET,
) -> EventPage | Problem | None:
    """List log events

    Args:
        service (list[str] | Unset):
        level (list[Level] | Unset):
        host (str | Unset):
        q (str | Unset):
        attr (list[str] | Unset):
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        limit (int | Unset):  Default: 100.
        order (ListLogsOrder | Unset):  Default: 'desc'.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EventPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            service=service,
            level=level,
            host=host,
            q=q,
            attr=attr,
            from_=from_,
            to=to,
            limit=limit,
            order=order,
            cursor=cursor,
        )
    ).parsed
