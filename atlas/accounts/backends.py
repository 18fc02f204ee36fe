"""Sign-in with throttling.

Failed attempts are counted per account name (hashed) in the cache, never per
IP address: the platform keeps no network identifiers (docs/privacy.md).
"""

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


def failure_key(username: str) -> str:
    digest = hashlib.sha256(username.strip().casefold().encode()).hexdigest()
    return f"login-failures:{digest}"


def is_throttled(username: str) -> bool:
    return int(cache.get(failure_key(username), 0)) >= settings.ATLAS_LOGIN_FAILURE_LIMIT


def record_failure(username: str) -> None:
    key = failure_key(username)
    window = settings.ATLAS_LOGIN_FAILURE_WINDOW
    if not cache.add(key, 1, window):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, window)


def clear_failures(username: str) -> None:
    cache.delete(failure_key(username))


class ThrottledModelBackend(ModelBackend):
    """Django's model backend, refusing an account name after repeated failures."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        username = username or ""
        if is_throttled(username):
            # Refuse without checking the password, so guessing gains nothing.
            raise PermissionDenied("too many failed sign-ins")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            record_failure(username)
        else:
            clear_failures(username)
        return user
