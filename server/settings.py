"""Settings: the only module that reads the environment."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    data_dir: Path = Path("data")
    database_url: str = ""
    redis_url: str = ""
    secret_key: str = ""
    # Fernet key(s) for safeguarding contacts; first one encrypts, all decrypt (rotation).
    contact_keys: tuple[str, ...] = ()
    public_url: str = ""
    cookie_secure: bool = False
    invite_ttl_s: int = 14 * 24 * 3600
    login_attempts_per_minute: int = 5
    ice_servers: tuple[str, ...] = ()
    public_ip: str = ""
    # exact local addresses the SFU gathers ICE candidates on; empty = every non-loopback one
    media_host_addresses: tuple[str, ...] = ()
    media_backend: str = "aiortc"
    log_level: str = "INFO"
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            url = self.database_url
            # platforms hand out postgres:// URLs; SQLAlchemy's async driver needs its own scheme
            for prefix in ("postgres://", "postgresql://"):
                if url.startswith(prefix):
                    return "postgresql+asyncpg://" + url[len(prefix) :]
            return url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'holdspace.db').resolve()}"

    @property
    def base_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "localhost" if self.host in ("0.0.0.0", "127.0.0.1", "::") else self.host
        return f"http://{host}:{self.port}"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        data_dir = Path(env.get("HOLDSPACE_DATA_DIR", "data"))
        secret = env.get("SECRET_KEY") or _read_or_create_secret(data_dir)
        return cls(
            host=env.get("HOST", "127.0.0.1"),
            port=int(env.get("PORT", "8080")),
            data_dir=data_dir,
            database_url=env.get("DATABASE_URL", ""),
            redis_url=env.get("REDIS_URL", ""),
            secret_key=secret,
            contact_keys=_split(env.get("CONTACT_KEYS", "")),
            public_url=env.get("PUBLIC_URL", ""),
            cookie_secure=env.get("COOKIE_SECURE", "").lower() in ("1", "true", "yes"),
            invite_ttl_s=int(env.get("INVITE_TTL_S", str(14 * 24 * 3600))),
            login_attempts_per_minute=int(env.get("LOGIN_ATTEMPTS_PER_MINUTE", "5")),
            ice_servers=_split(env.get("ICE_SERVERS", "")),
            public_ip=env.get("PUBLIC_IP", ""),
            media_host_addresses=_split(env.get("MEDIA_HOST_ADDRESSES", "")),
            media_backend=env.get("MEDIA_BACKEND", "aiortc"),
            log_level=env.get("LOG_LEVEL", "INFO"),
        )


def _read_or_create_secret(data_dir: Path) -> str:
    """Keep one random secret per data directory so cookies survive a restart."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    path.write_text(secret)
    path.chmod(0o600)
    return secret
