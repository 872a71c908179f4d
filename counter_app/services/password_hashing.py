"""The one place passwords are hashed and verified: staff passwords (RULES S1–S3) and the
holder's web/12333 query password (RULES Q3, P8).

- argon2id (argon2-cffi) with at least the OWASP parameters (m ≥ 19 MiB, t ≥ 2, p = 1:
  :data:`HASH_POLICY`). A hash records its own parameters, so hashes made under an older
  policy still verify; :func:`needs_rehash` tells a caller to replace one.
- :func:`verify_password` costs one argon2 verification even when there is no hash to check
  (an unknown account or ID number): it then verifies against a dummy hash, so the time does
  not tell an unknown one apart. The dummy is made on first use, never at import.

No password is ever logged, audited, stored in clear or put into an exception text.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import lru_cache

from argon2 import PasswordHasher, Type, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError


@dataclass(frozen=True)
class HashPolicy:
    """argon2id parameters (OWASP: m ≥ 19 MiB, t ≥ 2, p = 1)."""

    time_cost: int = 2
    memory_cost_kib: int = 19 * 1024
    parallelism: int = 1

    def hasher(self) -> PasswordHasher:
        return _hasher(self)


#: The policy in force. Raise it here; staff hashes are upgraded at each next login.
HASH_POLICY = HashPolicy()


@lru_cache(maxsize=8)
def _hasher(policy: HashPolicy) -> PasswordHasher:
    return PasswordHasher(
        time_cost=policy.time_cost,
        memory_cost=policy.memory_cost_kib,
        parallelism=policy.parallelism,
        type=Type.ID,
    )


@lru_cache(maxsize=8)
def _dummy_hash(policy: HashPolicy) -> str:
    """A hash of a random secret, verified when there is no real hash (same time)."""
    return policy.hasher().hash(secrets.token_urlsafe(16))


def hash_password(password: str, policy: HashPolicy | None = None) -> str:
    """An argon2id hash of ``password`` under ``policy`` (default: :data:`HASH_POLICY`)."""
    return (policy or HASH_POLICY).hasher().hash(password)


def needs_rehash(password_hash: str, policy: HashPolicy | None = None) -> bool:
    """True when ``password_hash`` was not made with exactly the policy's parameters."""
    policy = policy or HASH_POLICY
    try:
        params = extract_parameters(password_hash)
    except InvalidHashError:
        return True
    return (
        params.type is not Type.ID
        or params.time_cost != policy.time_cost
        or params.memory_cost != policy.memory_cost_kib
        or params.parallelism != policy.parallelism
    )


def verify_password(password_hash: str | None, password: str) -> bool:
    """One argon2 verification; a missing hash still costs one (against the dummy) and
    is never a match."""
    target = password_hash or _dummy_hash(HASH_POLICY)
    try:
        ok = HASH_POLICY.hasher().verify(target, password)
    except (VerificationError, InvalidHashError, UnicodeEncodeError):
        return False  # UnicodeEncodeError: a lone surrogate typed, never a password
    return bool(ok) and password_hash is not None
