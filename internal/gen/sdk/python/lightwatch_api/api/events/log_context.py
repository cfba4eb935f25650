from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.log_context import LogContext
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    id: str,
    *,
    before: int | Unset = 20,
    after: int | Unset = 20,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["before"] = before

    params["after"] = after

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/logs/{id}/context".format(
            id=quote(str(id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> LogContext | Problem | None:
    if response.status_code == 200:
        response_200 = LogContext.from_dict(response.json())

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

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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
) -> Response[LogContext | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: str,
    *,
    client: AuthenticatedClient | Client,
    before: int | Unset = 20,
    after: int | Unset = 20,
) -> Response[LogContext | Problem]:
    """The log lines around one line

     The log event with this id and the events of the same service (and host, when it has
    one) just before and after it in (time, id) order, within a day either side.

    Args:
        id (str):
        before (int | Unset):  Default: 20.
        after (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LogContext | Problem]
    """

    kwargs = _get_kwargs(
        id=id,
        before=before,
        after=after,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: str,
    *,
    client: AuthenticatedClient | Client,
    before: int | Unset = 20,
    after: int | Unset = 20,
) -> LogContext | Problem | None:
    """The log lines around one line

     The log event with this id and the events of the same service (and host, when it has
    one) just before and after it in (time, id) order, within a day either side.

    Args:
        id (str):
        before (int | Unset):  Default: 20.
        after (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LogContext | Problem
    """

    return sync_detailed(
        id=id,
        client=client,
        before=before,
        after=after,
    ).parsed


async def asyncio_detailed(
    id: str,
    *,
    client: AuthenticatedClient | Client,
    before: int | Unset = 20,
    after: int | Unset = 20,
) -> Response[LogContext | Problem]:
    """The log lines around one line

     The log event with this id and the events of the same service (and host, when it has
    one) just before and after it in (time, id) order, within a day either side.

    Args:
        id (str):
        before (int | Unset):  Default: 20.
        after (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LogContext | Problem]
    """

    kwargs = _get_kwargs(
        id=id,
        before=before,
        after=after,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: str,
    *,
    client: AuthenticatedClient | Client,
    before: int | Unset = 20,
    after: int | Unset = 20,
) -> LogContext | Problem | None:
    """The log lines around one line

     The log event with this id and the events of the same service (and host, when it has
    one) just before and after it in (time, id) order, within a day either side.

    Args:
        id (str):
        before (int | Unset):  Default: 20.
        after (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LogContext | Problem
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            before=before,
            after=after,
        )
    ).parsed
