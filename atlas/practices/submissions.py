"""Rate limiting of public submissions without keeping network identifiers.

The sender key is a hash of the client address with a salt that lives only
in the cache and is replaced every hour, so the key cannot be linked back to
an address once the hour has passed; nothing is written to the database or
to a log (docs/privacy.md).
"""

import hashlib
import secrets

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 3600


class SubmissionThrottled(Exception):
    pass


def sender_key(request: HttpRequest) -> str:
    salt = cache.get("submission-salt")
    if salt is None:
        cache.add("submission-salt", secrets.token_hex(16), WINDOW_SECONDS)
        salt = cache.get("submission-salt")
    address = request.META.get("REMOTE_ADDR", "")
    digest = hashlib.sha256(f"{salt}:{address}".encode()).hexdigest()
    return f"submissions:{digest}"


def check_submission_rate(request: HttpRequest) -> None:
    """Count one submission from this sender; raise SubmissionThrottled past the limit."""
    key = sender_key(request)
    if cache.add(key, 1, WINDOW_SECONDS):
        return
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, WINDOW_SECONDS)
        return
    if count > settings.ATLAS_SUBMISSION_LIMIT:
        raise SubmissionThrottled
