"""Signing a cycle's links in bulk: the ~10,000 commitment links and ~1,000
person links of a national cycle, each the same token
:func:`tracking.links.commitment_token` and
:func:`tracking.person_links.person_token` give (and that their readers
accept), with the key derived and the timestamp taken once for the batch
instead of once per link (itsdangerous derives the HMAC key on every
``sign``, which was half the cost)."""

from __future__ import annotations

import hmac
import json
import time

from itsdangerous import URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode, int_to_bytes, want_bytes

from models.stages import Audience

COMMITMENT_SALT = "cumple-compromiso"
PERSON_SALT = "cumple-persona"
SHORT = 64


class _Batch:
    """Signs payloads as ``TimestampSigner.sign`` does, at one instant."""

    def __init__(self, secret: str, salt: str, now: float) -> None:
        self.serializer = URLSafeTimedSerializer(secret, salt=salt)
        signer = self.serializer.make_signer(salt)
        # The keyed HMAC state, copied per link: the key is padded and
        # hashed once for the batch.
        self._mac = hmac.new(signer.derive_key(), digestmod=signer.algorithm.digest_method)  # type: ignore[attr-defined]
        self._sep = want_bytes(signer.sep)
        self._suffix = self._sep + base64_encode(int_to_bytes(int(now)))

    def sign(self, payload: bytes) -> str:
        value = payload + self._suffix
        mac = self._mac.copy()
        mac.update(value)
        signature = base64_encode(mac.digest())
        return (value + self._sep + signature).decode("ascii")


class CycleLinks:
    """The links of one cycle's digests: a responsable's signed link to
    report on one commitment, the page itself for gerentes and directors,
    and each recipient's signed page of everything they answer for."""

    def __init__(self, secret: str, base_url: str, now: float | None = None) -> None:
        instant = time.time() if now is None else now
        self._commitments = _Batch(secret, COMMITMENT_SALT, instant)
        self._people = _Batch(secret, PERSON_SALT, instant)
        self._base = base_url

    def __call__(self, commitment_id: int, audience: Audience) -> str:
        """The link of a digest entry (a :data:`planning.policy.Linker`)."""
        if audience is Audience.RESPONSABLE:
            payload = base64_encode(f'{{"c":{int(commitment_id)}}}')
            return f"{self._base}/c/{self._commitments.sign(payload)}"
        return f"{self._base}/compromisos/{commitment_id}"

    def person(self, email: str) -> str:
        """The link to ``email``'s page (the address in lower case)."""
        data = {"p": email.strip().lower()}
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        # Short payloads are never compressed by itsdangerous (zlib's
        # framing makes them longer); a long one takes its own path.
        payload = (
            base64_encode(text) if len(text) < SHORT else self._people.serializer.dump_payload(data)
        )
        return f"{self._base}/p/{self._people.sign(payload)}"
