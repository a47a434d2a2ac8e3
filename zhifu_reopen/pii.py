"""Personal data at rest: encrypted columns, a blind index for the columns that must be unique, masks.

Encryption is Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``) through a ``MultiFernet`` of the
keys in ``settings.PII_KEYS``: the first key encrypts, every key decrypts. Rotation: put a new key first,
run ``manage.py pii_rotate`` (it re-encrypts every row with the first key and recomputes the blind
indexes), then drop the old key.

An encrypted value is never the same twice, so the database cannot compare it. A column that must be
unique or looked up (the ID number) gets a *blind index* beside it: an HMAC-SHA256 of the normalised
value under ``settings.PII_INDEX_KEY``, which the unique constraint and the look-ups use.

The masks are here too, one function per kind of value, so every page, export and the admin mask alike.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models

# Fernet tokens are base64url of a 0x80 version byte: they all start so.
TOKEN_PREFIX = "gAAAAA"


@lru_cache(maxsize=4)
def _multi(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("PII_KEYS is empty: personal data cannot be encrypted.")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "PII_KEYS must be Fernet keys (32 url-safe base64-encoded bytes each; make one with "
            "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')."
        ) from exc


def fernet() -> MultiFernet:
    return _multi(tuple(settings.PII_KEYS))


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeEncodeError) as exc:
        raise ImproperlyConfigured(
            "A personal-data column could not be decrypted with any key of PII_KEYS (a key was dropped "
            "before `manage.py pii_rotate` finished, or the column holds plaintext)."
        ) from exc


def is_token(value: str) -> bool:
    """Whether a stored value is one of our tokens (used by the migration and rotation to be idempotent)."""
    if not value or not value.startswith(TOKEN_PREFIX):
        return False
    try:
        fernet().decrypt(value.encode("ascii"))
    except (InvalidToken, UnicodeEncodeError):
        return False
    return True


def rotate(token: str) -> str:
    """The token re-encrypted under the first key (a no-op in content)."""
    return fernet().rotate(token.encode("ascii")).decode("ascii")


def blind_index(value: str) -> str:
    """HMAC-SHA256 (hex) of the normalised value: equal values give equal indexes, nothing else leaks."""
    normalised = (value or "").strip().upper()
    return hmac.new(settings.PII_INDEX_KEY.encode(), normalised.encode(), hashlib.sha256).hexdigest()


class EncryptedCharField(models.CharField):
    """A CharField whose column holds a Fernet token (``text``): Python sees the plaintext, validated
    against ``max_length`` and ``choices`` as a CharField; the database sees only the token. It cannot
    be filtered or ordered on in SQL (use a blind index)."""

    def db_type(self, connection):
        return "text"

    def get_lookup(self, lookup_name):
        # A token never equals another: a filter on the column would silently match nothing.
        if lookup_name != "isnull":
            raise FieldError(f"{self.model.__name__}.{self.name} is encrypted and cannot be filtered on "
                             f"(use its blind index).")
        return super().get_lookup(lookup_name)

    def rel_db_type(self, connection):
        return "text"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_db_prep_value(self, value, connection, prepared=False):
        value = super().get_db_prep_value(value, connection, prepared)
        if value is None or value == "":
            return value
        return encrypt(str(value))


class BlindIndexField(models.CharField):
    """The blind index of another field of the same model, computed on every save and bulk insert."""

    def __init__(self, *args, source: str = "", **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, default in (("max_length", 64), ("editable", False), ("blank", True)):
            if kwargs.get(key, default) == default:
                kwargs.pop(key, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = blind_index(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value


# --- masks (the one way a value is shown to someone who may not see it) ---------------------------------

HIDDEN = "****"


def mask_id_number(value: str) -> str:
    return value[:3] + "*" * 11 + value[-4:] if value and len(value) == 18 else HIDDEN


def mask_mobile(value: str) -> str:
    return value[:3] + "****" + value[-4:] if value and len(value) == 11 else HIDDEN


def mask_name(value: str) -> str:
    return (value[:1] + "*" * max(len(value) - 1, 1)) if value else ""
