from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.es_put_ilm_policy_body import EsPutIlmPolicyBody
from ...models.es_put_ilm_policy_response_200 import EsPutIlmPolicyResponse200
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    name: str,
    *,
    body: EsPutIlmPolicyBody | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/es/_ilm/policy/{name}".format(
            name=quote(str(name), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> EsPutIlmPolicyResponse200 | Problem | None:
    if response.status_code == 200:
        response_200 = EsPutIlmPolicyResponse200.from_dict(response.json())

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

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[EsPutIlmPolicyResponse200 | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    name: str,
    *,
    client: AuthenticatedClient,
    body: EsPutIlmPolicyBody | Unset = UNSET,
) -> Response[EsPutIlmPolicyResponse200 | Problem]:
    """Elasticsearch put ILM policy (set-up call)

     Acknowledged and ignored.

    Args:
        name (str):
        body (EsPutIlmPolicyBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EsPutIlmPolicyResponse200 | Problem]
    """

    kwargs = _get_kwargs(
        name=name,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    name: str,
    *,
    client: AuthenticatedClient,
    body: EsPutIlmPolicyBody | Unset = UNSET,
) -> EsPutIlmPolicyResponse200 | Problem | None:
    """Elasticsearch put ILM policy (set-up call)

     Acknowledged and ignored.

    Args:
        name (str):
        body (EsPutIlmPolicyBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EsPutIlmPolicyResponse200 | Problem
    """

    return sync_detailed(
        name=name,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    name: str,
    *,
    client: AuthenticatedClient,
    body: EsPutIlmPolicyBody | Unset = UNSET,
) -> Response[EsPutIlmPolicyResponse200 | Problem]:
    """Elasticsearch put ILM policy (set-up call)

     Acknowledged and ignored.

    Args:
        name (str):
        body (EsPutIlmPolicyBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EsPutIlmPolicyResponse200 | Problem]
    """

    kwargs = _get_kwargs(
        name=name,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    name: str,
    *,
    client: AuthenticatedClient,
    body: EsPutIlmPolicyBody | Unset = UNSET,
) -> EsPutIlmPolicyResponse200 | Problem | None:
    """Elasticsearch put ILM policy (set-up call)

     Acknowledged and ignored.

    Args:
        name (str):
        body (EsPutIlmPolicyBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EsPutIlmPolicyResponse200 | Problem
    """

    return (
        await asyncio_detailed(
            name=name,
            client=client,
            body=body,
        )
    ).parsed
