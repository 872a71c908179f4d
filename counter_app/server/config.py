"""The server's configuration: one TOML file, the ``[server]`` table for the server itself,
every other entry a service setting (``counter_app.settings``: ``db_url``, ``key_source``,
``form_hmac_key``, ``four_eyes``, lockout …) exactly as a workstation would have in-process.

``[server]`` entries: ``host``, ``port``, ``pki_dir`` (``ca.crt``, ``server.crt``,
``server.key``, ``crl.pem`` inside it; see ``pki.py``), ``token_secret_file`` (32+ random
bytes, hex; shared by every server behind the balancer), ``token_minutes``,
``pool_size``.
"""

from __future__ import annotations

import errno
import os
import re
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


def new_token_secret(path: Path, replace: bool = False) -> None:
    """Write a fresh random token secret (hex) readable by its owner only.

    An existing file is the secret the servers use: it is replaced only with ``replace``
    (every session token signed with it stops working once the servers use the new one).
    The folder must exist: a misspelt path is not created silently."""
    path = Path(path)
    if not path.parent.is_dir():
        raise SettingsError(f"目录 {path.parent} 不存在。请先建好该目录，或换一个路径。")
    if path.exists() and not replace:
        raise SettingsError(
            f"会话令牌密钥文件 {path} 已存在（可能正被业务服务器使用），未作改动。"
            "换新密钥会使各工作站当前的登录在服务器换用后全部失效（须重新登录），"
            "且各台服务器须同时换用同一新文件；确要更换请加 --replace。"
        )
    text = secrets.token_hex(32) + "\n"
    target = path.with_name(path.name + ".new") if replace else path
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if replace else os.O_EXCL)
    try:
        fd = os.open(target, flags, 0o600)
    except FileExistsError as exc:  # made by someone else since the check
        raise SettingsError(f"会话令牌密钥文件 {path} 已存在，未作改动。") from exc
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(text)
    if replace:
        target.replace(path)  # a server reading it never sees half a secret


def _os_reason(exc: OSError) -> str:
    """Why a file could not be read, in Chinese (no raw ``[Errno 2]`` text)."""
    reasons = {
        errno.ENOENT: "文件不存在，请核对路径",
        errno.EACCES: "没有读取权限",
        errno.EPERM: "没有读取权限",
        errno.EISDIR: "这是一个目录，不是文件",
    }
    return reasons.get(exc.errno or 0, "系统无法读取该文件")


def _read_secret(path: Path) -> bytes:
    try:
        text = path.read_text(encoding="ascii")
    except OSError as exc:
        raise SettingsError(
            f"无法读取会话令牌密钥文件 {path}（[server] token_secret_file）：{_os_reason(exc)}。"
            "可用 counter-server secret 生成。"
        ) from exc
    except ValueError as exc:  # not ASCII
        raise SettingsError(f"会话令牌密钥文件 {path} 不是十六进制文本。") from exc
    try:
        secret = bytes.fromhex(text.strip())
    except ValueError as exc:
        raise SettingsError(
            f"会话令牌密钥文件 {path} 不是十六进制文本（应为 64 位以上十六进制）。"
            "可用 counter-server secret 生成。"
        ) from exc
    if len(secret) < 32:
        raise SettingsError(f"会话令牌密钥 {path} 太短（至少 32 字节）。")
    return secret


def load_server_config(path: Path, **overrides: Any) -> ServerConfig:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"line (\d+), column (\d+)", str(exc))
        where = f"第 {at.group(1)} 行第 {at.group(2)} 列" if at else "某处"
        raise SettingsError(
            f"服务器设置文件 {path} 格式错误（{where}不是有效的 TOML）。请修正该文件。"
        ) from exc
    except OSError as exc:
        raise SettingsError(f"无法读取服务器设置文件 {path}：{_os_reason(exc)}。") from exc
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
        port=_whole(server, "port", 8443, 1, 65535),
        token_minutes=_whole(server, "token_minutes", 15, 1, 24 * 60),
        pool_size=_whole(server, "pool_size", 10, 1, 1000),
    )


def _whole(server: dict[str, Any], name: str, default: int, low: int, high: int) -> int:
    """An integer entry of ``[server]`` within ``low``..``high`` (``SettingsError``)."""
    value = server.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SettingsError(
            f"服务器设置 [server] {name} 应为 {low} 到 {high} 之间的整数，实际为 {value!r}。"
        )
    return value
