"""The request of each endpoint as a TypedDict, generated from libwxpresign's table, for type
checkers and editors: ``from wxpresign.requests import EduPapayRequest``. Members the table
marks required are required keys; nested objects and array items have types of their own. A
method accepts its TypedDict, or any mapping or JSON text, as before."""

from ._endpoints import *  # noqa: F401,F403
from ._endpoints import REQUEST_TYPES

__all__ = list(REQUEST_TYPES)
