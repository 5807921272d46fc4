"""Sessions, CSRF tokens and the login rate limit of the web application."""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import defaultdict, deque

CSRF_FIELD = "csrf_token"


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_matches(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison; a missing token never matches."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


class LoginLimiter:
    """At most ``attempts`` failed logins per client address and per e-mail
    within ``window`` seconds; a success clears the e-mail's count."""

    def __init__(self, attempts: int = 5, window: float = 15 * 60) -> None:
        self.attempts = attempts
        self.window = window
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures[key]
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def blocked(self, address: str, email: str, now: float | None = None) -> bool:
        moment = time.monotonic() if now is None else now
        with self._lock:
            return any(
                len(self._recent(key, moment)) >= self.attempts
                for key in (f"ip:{address}", f"email:{email.lower()}")
            )

    def failed(self, address: str, email: str, now: float | None = None) -> None:
        moment = time.monotonic() if now is None else now
        with self._lock:
            for key in (f"ip:{address}", f"email:{email.lower()}"):
                self._recent(key, moment).append(moment)

    def succeeded(self, email: str) -> None:
        with self._lock:
            self._failures.pop(f"email:{email.lower()}", None)
