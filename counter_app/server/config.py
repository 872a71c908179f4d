"""The server's configuration: one TOML file, the ``[server]`` table for the server itself,
every other entry a service setting (``counter_app.settings``: ``db_url``, ``key_source``,
``form_hmac_key``, ``four_eyes``, lockout …) exactly as a workstation would have in-process.

``[server]`` entries: ``host``, ``port``, ``pki_dir`` (``ca.crt``, ``server.crt``,
``server.key``, ``crl.pem`` inside it; see ``pki.py``), ``token_secret_file`` (32+ random
bytes, hex; shared by every server behind the balancer), ``token_minutes``,
``pool_size``.
"""

from __future__ import annotations

import secrets
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from counter_app.settings import Settings, SettingsError, parse_settings


@dataclass(frozen=True)
class ServerConfig:
    settings: Settings
    pki_dir: Path
    token_secret: bytes
    host: str = "127.0.0.1"
    port: int = 8443
    token_minutes: int = 15
    #: Connections each server process keeps to PostgreSQL (PgBouncer in front is fine).
    pool_size: int = 10

    def __repr__(self) -> str:
        return f"<ServerConfig {self.host}:{self.port} pki={self.pki_dir} (secret hidden)>"


def new_token_secret(path: Path) -> None:
    """Write a fresh random token secret (hex) readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(secrets.token_hex(32) + "\n", encoding="ascii")


def _read_secret(path: Path) -> bytes:
    try:
        secret = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError) as exc:
        raise SettingsError(
            f"无法读取会话令牌密钥文件 {path}（应为 64 位以上十六进制）。"
            "可用 counter-server secret 生成。"
        ) from exc
    if len(secret) < 32:
        raise SettingsError(f"会话令牌密钥 {path} 太短（至少 32 字节）。")
    return secret


def load_server_config(path: Path, **overrides: Any) -> ServerConfig:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"无法读取服务器设置文件 {path}: {exc}") from exc
    server = dict(data.pop("server", {}))
    server.update(overrides)
    base = Path(path).parent
    unknown = set(server) - {
        "host",
        "port",
        "pki_dir",
        "token_secret_file",
        "token_minutes",
        "pool_size",
    }
    if unknown:
        raise SettingsError(f"服务器设置 [server] 中有未知设置项: {', '.join(sorted(unknown))}")
    if "pki_dir" not in server or "token_secret_file" not in server:
        raise SettingsError("服务器设置 [server] 须有 pki_dir 和 token_secret_file。")
    settings = parse_settings(data, source=str(path))
    return ServerConfig(
        settings=settings,
        pki_dir=base / str(server["pki_dir"]),
        token_secret=_read_secret(base / str(server["token_secret_file"])),
        host=str(server.get("host", "127.0.0.1")),
        port=int(server.get("port", 8443)),
        token_minutes=int(server.get("token_minutes", 15)),
        pool_size=int(server.get("pool_size", 10)),
    )
