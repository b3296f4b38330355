"""The shapes that cross the API: requests in, envelopes and notifications out."""

from __future__ import annotations

from typing import Any, Dict, Mapping, TypedDict, Union

#: A request: a dict (serialized with json.dumps) or JSON text (str or UTF-8 bytes) sent as is.
Request = Union[Mapping[str, Any], str, bytes]


class Envelope(TypedDict):
    """A verified answer: WeChat Pay's HTTP status, its Request-ID and the decoded body."""

    status: int
    request_id: str
    data: Dict[str, Any]


class Answer(TypedDict):
    """What to send back to WeChat Pay for a notification: status, headers and body."""

    status: int
    headers: Dict[str, str]
    body: str


class Notification(TypedDict):
    """A verified notification with its ``resource`` decrypted, and the answer to send."""

    id: str
    create_time: str
    event_type: str
    resource_type: str
    summary: str
    resource: Dict[str, Any]
    answer: Answer
