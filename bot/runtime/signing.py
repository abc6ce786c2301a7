"""The HMAC scheme shared by our webhooks to and from an applicant-tracking system:
`X-Interview-Signature: sha256=<hex>`, HMAC-SHA256 of the raw body with a shared secret."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Interview-Signature"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signed_by(secret: str, body: bytes, given: str) -> bool:
    """Constant-time check of a signature header's value."""
    return hmac.compare_digest(given.encode(), sign(secret, body).encode())
