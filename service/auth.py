"""API keys: minted once, shown once, stored only as a SHA-256 digest.

Keys carry 256 bits of randomness, so a plain (unsalted) SHA-256 is enough to make a stolen
database useless for logging in, and it lets a key be found by an indexed equality lookup.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from service.errors import Unprocessable
from service.models import ApiKey, Organization, utcnow

KEY_PREFIX = "sdk_"
MAX_ORG_NAME = 200


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def generate_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def get_or_create_org(*, session: Session, name: str) -> Organization:
    """The organization called ``name``, created if needed (safe against a concurrent create)."""
    name = name.strip()
    if not name or len(name) > MAX_ORG_NAME:
        raise Unprocessable(f"organization name must be 1..{MAX_ORG_NAME} characters")
    org = session.exec(select(Organization).where(Organization.name == name)).first()
    if org is not None:
        return org
    try:
        org = Organization(name=name)
        session.add(org)
        session.commit()
    except IntegrityError:
        session.rollback()
        org = session.exec(select(Organization).where(Organization.name == name)).one()
    return org


def create_key(*, session: Session, org_name: str) -> tuple[Organization, str]:
    """A new key for ``org_name``; returns the organization and the key in clear (shown once)."""
    org = get_or_create_org(session=session, name=org_name)
    key = generate_key()
    session.add(ApiKey(org_id=org.id, prefix=key[: len(KEY_PREFIX) + 6], key_hash=hash_key(key)))
    session.commit()
    return org, key


def org_for_key(*, session: Session, key: str) -> Organization | None:
    """The organization a live key belongs to, or None for an unknown or revoked key."""
    row = session.exec(
        select(Organization)
        .join(ApiKey, col(ApiKey.org_id) == col(Organization.id))
        .where(ApiKey.key_hash == hash_key(key), ApiKey.revoked_at.is_(None))  # type: ignore[union-attr]
    ).first()
    return row


def revoke_key(*, session: Session, org_name: str, prefix: str) -> int:
    """Revoke the organization's live keys shown as ``prefix``; returns how many were revoked."""
    keys = session.exec(
        select(ApiKey)
        .join(Organization, col(ApiKey.org_id) == col(Organization.id))
        .where(
            Organization.name == org_name,
            ApiKey.prefix == prefix,
            ApiKey.revoked_at.is_(None),  # type: ignore[union-attr]
        )
    ).all()
    for k in keys:
        k.revoked_at = utcnow()
        session.add(k)
    session.commit()
    return len(keys)
