"""The app's two logins: the site login every page and API call needs when `settings.auth`
is set, and the librarian login a library change needs when `settings.admin_auth` is set.
Both compare in constant time."""

from __future__ import annotations

import hmac
import logging
import threading
import time

log = logging.getLogger(__name__)

# The longest a failed login waits before it is answered (see `Logins`).
LOGIN_MAX_DELAY = 5.0


def same_account(user: str, password: str, account: tuple[str, str]) -> bool:
    """Whether `user` and `password` are `account`'s; both are always compared, so the time
    taken tells nothing about which one was wrong."""
    given = (user.encode(), password.encode())
    return hmac.compare_digest(given[0], account[0].encode()) & hmac.compare_digest(given[1], account[1].encode())


class Logins:
    """The page's login check: each failed login in a row makes the next failure's answer
    wait twice as long (from 0.1 s, up to `LOGIN_MAX_DELAY`), so guessing is slow; each is
    logged. A right password is never delayed and resets the count."""

    def __init__(self, user: str, password: str) -> None:
        self._account = (user, password)
        self._failures = 0
        self._lock = threading.Lock()

    def __call__(self, user: str, password: str) -> bool:
        if same_account(user, password, self._account):
            with self._lock:
                self._failures = 0
            return True
        with self._lock:
            self._failures += 1
            delay = min(LOGIN_MAX_DELAY, 0.1 * 2 ** min(self._failures - 1, 16))
        log.warning("failed login for user %r (%d in a row); answering in %.1f s", user[:40], self._failures, delay)
        time.sleep(delay)
        return False
