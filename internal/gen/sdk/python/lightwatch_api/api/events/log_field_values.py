import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.field_values import FieldValues
from ...models.level import Level
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    field: str,
    *,
    service: list[str] | Unset = UNSET,
    level: list[Level] | Unset = UNSET,
    host: str | Unset = UNSET,
    q: str | Unset = UNSET,
    attr: list[str] | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    limit: int | Unset = 10,
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

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/logs/fields/{field}/values".format(
            field=quote(str(field), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> FieldValues | Problem | None:
    if response.status_code == 200:
        response_200 = FieldValues.from_dict(response.json())

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
) -> Response[FieldValues | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    field: str,
    *,
    client: AuthenticatedClient | Client,
    service: list[str] | Unset = UNSET,
    level: list[Level] | Unset = UNSET,
    host: str | Unset = UNSET,
    q: str | Unset = UNSET,
    attr: list[str] | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    limit: int | Unset = 10,
) -> Response[FieldValues | Problem]:
    """Top values of a log field

     The most frequent values of one field among the log events the listing with the same
    filters selects, with their counts (most frequent first): suggestions for filters.
    Fields: `service`, `level`, `host` and `attr.<key>` (an attribute; numbers and booleans
    written as text).

    Args:
        field (str):
        service (list[str] | Unset):
        level (list[Level] | Unset):
        host (str | Unset):
        q (str | Unset):
        attr (list[str] | Unset):
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        limit (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FieldValues | Problem]
    """

    kwargs = _get_kwargs(
        field=field,
        service=service,
        level=level,
        host=host,
        q=q,
        attr=attr,
        from_=from_,
        to=to,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    field: str,
    *,
    client: AuthenticatedClient | Client,
    service: list[str] | Unset = UNSET,
    level: list[Level] | Unset = UNSET,
    host: str | Unset = UNSET,
    q: str | Unset = UNSET,
    attr: list[str] | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    limit: int | Unset = 10,
) -> FieldValues | Problem | None:
    """Top values of a log field

     The most frequent values of one field among the log events the listing with the same
    filters selects, with their counts (most frequent first): suggestions for filters.
    Fields: `service`, `level`, `host` and `attr.<key>` (an attribute; numbers and booleans
    written as text).

    Args:
        field (str):
        service (list[str] | Unset):
        level (list[Level] | Unset):
        host (str | Unset):
        q (str | Unset):
        attr (list[str] | Unset):
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        limit (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FieldValues | Problem
    """

    return sync_detailed(
        field=field,
        client=client,
        service=service,
        level=level,
        host=host,
        q=q,
        attr=attr,
        from_=from_,
        to=to,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    field: str,
    *,
    client: AuthenticatedClient | Client,
    service: list[str] | Unset = UNSET,
    level: list[Level] | Unset = UNSET,
    host: str | Unset = UNSET,
    q: str | Unset = UNSET,
    attr: list[str] | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    limit: int | Unset = 10,
) -> Response[FieldValues | Problem]:
    """Top values of a log field

     The most frequent values of one field among the log events the listing with the same
    filters selects, with their counts (most frequent first): suggestions for filters.
    Fields: `service`, `level`, `host` and `attr.<key>` (an attribute; numbers and booleans
    written as text).

    Args:
        field (str):
        service (list[str] | Unset):
        level (list[Level] | Unset):
        host (str | Unset):
        q (str | Unset):
        attr (list[str] | Unset):
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        limit (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FieldValues | Problem]
    """

    kwargs = _get_kwargs(
        field=field,
        service=service,
        level=level,
        host=host,
        q=q,
        attr=attr,
        from_=from_,
        to=to,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    field: str,
    *,
    client: AuthenticatedClient | Client,
    service: list[str] | Unset = UNSET,
    level: list[Level] | Unset = UNSET,
    host: str | Unset = UNSET,
    q: str | Unset = UNSET,
    attr: list[str] | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    limit: int | Unset = 10,
) -> FieldValues | Problem | None:
    """Top values of a log field

     The most frequent values of one field among the log events the listing with the same
    filters selects, with their counts (most frequent first): suggestions for filters.
    Fields: `service`, `level`, `host` and `attr.<key>` (an attribute; numbers and booleans
    written as text).

    Args:
        field (str):
        service (list[str] | Unset):
        level (list[Level] | Unset):
        host (str | Unset):
        q (str | Unset):
        attr (list[str] | Unset):
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        limit (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FieldValues | Problem
    """

    return (
        await asyncio_detailed(
            field=field,
            client=client,
            service=service,
            level=level,
            host=host,
            q=q,
            attr=attr,
            from_=from_,
            to=to,
            limit=limit,
        )
    ).parsed
