"""Seal JSON-able data so that only this application can read it back (Fernet: AES + HMAC).

Used for what must be kept for reproducibility but must never be read by a person: the private
identity columns of a match run's inputs snapshot. The key is derived from SECRET_KEY; after a key
rotation, data sealed with a key listed in SECRET_KEY_FALLBACKS still opens.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

_PURPOSE = b"mentorbridge.core.sealed:"


class SealBroken(Exception):
    """The data was sealed with a key this installation no longer has, or was altered."""


def _fernet(secret: str) -> Fernet:
    digest = hashlib.sha256(_PURPOSE + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _keys() -> MultiFernet:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet(s) for s in secrets])


def seal(value: Any) -> str:
    return _keys().encrypt(json.dumps(value, separators=(",", ":")).encode()).decode()


def unseal(token: str) -> Any:
    try:
        return json.loads(_keys().decrypt(token.encode()))
    except (InvalidToken, ValueError) as error:
        raise SealBroken(
            "Sealed data cannot be opened with this installation's keys (SECRET_KEY changed?)."
        ) from error
