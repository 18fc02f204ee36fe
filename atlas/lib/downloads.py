"""Streaming an export as a file download, in JSON Lines or CSV."""

from collections.abc import Iterable

from django.http import StreamingHttpResponse

CONTENT_TYPES = {"jsonl": "application/jsonl; charset=utf-8", "csv": "text/csv; charset=utf-8"}


def download(lines: Iterable[str], *, file_format: str, name: str) -> StreamingHttpResponse:
    """A response that streams `lines` as `<name>.<file_format>`, never held whole in memory."""
    response = StreamingHttpResponse(lines, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response
