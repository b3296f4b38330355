"""The shapes that cross the API: requests in, envelopes and notifications out."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, TypedDict, Union

#: A request: a dict (serialized with json.dumps) or JSON text (str or UTF-8 bytes) sent as is.
Request = Union[Mapping[str, Any], str, bytes]


#: Present when the call moved to backup_base_url because nothing could be sent to base_url:
#: ``from`` is the host it could not reach, ``reason`` why.
Failover = TypedDict("Failover", {"from": str, "reason": str})


class Attempt(TypedDict):
    """One request sent or tried: its host, a ``new`` or ``reused`` connection, its time, and
    ``answered <status>``, ``not sent`` or ``no answer; may have reached the server``."""

    base_url: str
    connection: str
    elapsed_ms: int
    outcome: str


class Trace(TypedDict):
    """What the call did on the wire: every attempt (a move to the backup host and each retry
    are attempts of their own) and the call's whole time."""

    attempts: List[Attempt]
    elapsed_ms: int


class _Envelope(TypedDict):
    status: int
    request_id: str
    data: Dict[str, Any]
    #: The host that answered.
    base_url: str
    trace: Trace


class Envelope(_Envelope, total=False):
    """A verified answer: WeChat Pay's HTTP status, its Request-ID, the decoded body and the host
    that answered (plus ``failover`` when that was the backup host)."""

    failover: Failover


class Answer(TypedDict):
    """What to send back to WeChat Pay for a notification: status, headers and body."""

    status: int
    headers: Dict[str, str]
    body: str


class _Notification(TypedDict):
    id: str
    create_time: str
    event_type: str
    resource_type: str
    summary: str
    resource: Dict[str, Any]
    seen_before: bool
    answer: Answer


class Notification(_Notification, total=False):
    """A verified notification with its ``resource`` decrypted, and the answer to send; from
    :func:`wxpresign.parse_notification` also ``mchid`` and ``client``, the merchant and the
    index of the client that verified it."""

    mchid: str
    client: int
