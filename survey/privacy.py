"""Personal data at rest and on screen: keyed hashes, authenticated encryption, masks.

ID and phone numbers are stored as an HMAC-SHA256 (for matching) and AES-256-GCM ciphertext (for the
value), each under its own key from configuration. Losing the keys loses the data: see README.
"""

import base64
import hashlib
import hmac
import os
import secrets

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app

NONCE_BYTES = 12


class KeysMissing(RuntimeError):
    """The personal-data keys are not configured."""


def new_key() -> str:
    """A fresh 256-bit key, base64 encoded, for ``instance/keys.json`` or the environment."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def _key(name: str) -> bytes:
    value = current_app.config.get(name)
    if not value:
        raise KeysMissing(f"{name} is not configured: run `flask --app wsgi setup` or set it")
    return base64.urlsafe_b64decode(value)


class Vault:
    """Hash, encrypt and decrypt with the app's keys; build one per batch, not per value."""

    def __init__(self, hash_key: bytes, encryption_key: bytes):
        self._hash_key = hash_key
        self._encryption_key = encryption_key
        self._aead = AESGCM(encryption_key)
        # HMAC (RFC 2104) with the key's inner and outer SHA-256 states computed once: a roster
        # import hashes two values per row, and OpenSSL's one-shot HMAC redoes this every call.
        block = hash_key if len(hash_key) <= 64 else hashlib.sha256(hash_key).digest()
        block = block.ljust(64, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    @property
    def hash_key(self) -> bytes:
        return self._hash_key

    @property
    def encryption_key(self) -> bytes:
        """For worker processes of the same import only; never stored anywhere."""
        return self._encryption_key

    @classmethod
    def from_app(cls) -> "Vault":
        return cls(_key("PII_HASH_KEY"), _key("PII_ENCRYPTION_KEY"))

    def hash(self, value: str) -> str:
        return self.digest(value).hex()

    def digest(self, value: str) -> bytes:
        """HMAC-SHA256 of the value, raw bytes (equal to ``hmac.digest(key, value, "sha256")``)."""
        inner = self._inner.copy()
        inner.update(value.encode())
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()

    def reference_digest(self, value: str) -> bytes:
        """The standard library's HMAC, which ``digest`` must always equal (tests check it)."""
        return hmac.digest(self._hash_key, value.encode(), hashlib.sha256)

    def encrypt(self, value: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, value.encode(), None)

    def encrypt_many(self, values: list[str | None]) -> list[bytes | None]:
        """Encrypt a batch (None stays None), with one call for all the random nonces."""
        nonces = os.urandom(NONCE_BYTES * len(values))
        encrypt = self._aead.encrypt
        sealed: list[bytes | None] = []
        for index, value in enumerate(values):
            if value is None:
                sealed.append(None)
                continue
            nonce = nonces[index * NONCE_BYTES:(index + 1) * NONCE_BYTES]
            sealed.append(nonce + encrypt(nonce, value.encode(), None))
        return sealed

    def aead_encrypt(self):
        """The AEAD's ``encrypt(nonce, data, None)``, for a loop that seals many values: each
        needs its own ``NONCE_BYTES`` random nonce, stored in front of its ciphertext."""
        return self._aead.encrypt

    def decrypt(self, blob: bytes) -> str:
        return self._aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], None).decode()


def mask_name(name: str) -> str:
    """张三丰 -> 张**; a one-character name stays as it is."""
    return name[:1] + "*" * (len(name) - 1) if name else ""


def mask_id(number: str) -> str:
    """340102199001011234 -> 3401**********1234."""
    return number[:4] + "*" * (len(number) - 8) + number[-4:] if len(number) > 8 else "*" * 4


def mask_id_for_surveyor(number: str) -> str:
    """All but the last four characters hidden: enough to confirm identity on the phone."""
    return "*" * (len(number) - 4) + number[-4:]


def mask_phone(number: str) -> str:
    """13812345678 -> 138****5678; a landline keeps its area code and last four digits."""
    if len(number) <= 7:
        return "*" * len(number)
    head = number.split("-")[0] if "-" in number else number[:3]
    return head + "*" * (len(number) - len(head) - 4) + number[-4:]
