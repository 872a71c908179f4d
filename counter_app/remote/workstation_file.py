"""The settings file of a city workstation (``backend = "remote"``): what it holds and what
it must never hold.

A city workstation's settings name the server, its own certificate and key, and the city
CA — and nothing that opens the database or makes a card MAC: no ``db_url`` (nor
``COUNTER_DB_URL`` in its environment), no software card keys (``key_source`` stays
``server``), no form-signing key. :func:`check_remote_settings` refuses a file that has any
of them, so a copied settings file gives its holder only what the workstation's
certificate allows through the server.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from counter_app.settings import Settings, SettingsError, dump_settings

if TYPE_CHECKING:
    from counter_app.remote.client import RemoteServices

#: ``key_source`` of a city workstation: the keys are on the server.
SERVER_KEYS = "server"


def remote_settings(
    *,
    workstation_id: str,
    office_code: str,
    server_url: str,
    client_cert: str,
    client_key: str,
    server_ca: str,
) -> Settings:
    return Settings(
        mode="production",
        backend="remote",
        workstation_id=workstation_id,
        office_code=office_code,
        server_url=server_url,
        client_cert=client_cert,
        client_key=client_key,
        server_ca=server_ca,
        key_source=SERVER_KEYS,
    )


def workstation_settings_text(**values: str) -> str:
    """The TOML of a city workstation (``dump_settings`` of :func:`remote_settings`)."""
    settings = remote_settings(**values)
    check_remote_settings(settings, environ={})
    return (
        "# 城市部署工作站设置：业务经 counter-server 办理；本文件不含数据库密码和卡片密钥。\n"
        + dump_settings(settings)
    )


def check_remote_settings(settings: Settings, environ: dict[str, str] | None = None) -> None:
    """Refuse a remote workstation's settings that hold a database URL, card keys or the
    form key, or lack the server's address and certificates (``SettingsError``)."""
    env = os.environ if environ is None else environ
    if settings.backend != "remote":
        return
    if settings.db_url or env.get("COUNTER_DB_URL"):
        raise SettingsError(
            "城市部署的工作站不得配置数据库地址（db_url / COUNTER_DB_URL）：业务经业务服务器"
            "办理。请删除该设置。"
        )
    if settings.key_source != SERVER_KEYS:
        raise SettingsError(
            '城市部署的工作站不得持有卡片密钥：key_source 应为 "server"。请修改设置。'
        )
    if settings.form_hmac_key:
        raise SettingsError("城市部署的工作站不得持有表单签名密钥（form_hmac_key）。请删除该设置。")
    missing = [
        name
        for name in ("server_url", "client_cert", "client_key", "server_ca")
        if not getattr(settings, name)
    ]
    if missing:
        raise SettingsError(f"城市部署的工作站缺少设置: {', '.join(missing)}。")
    if not settings.server_url.startswith("https://"):
        raise SettingsError("server_url 须以 https:// 开头（与业务服务器之间只用双向 TLS）。")


def no_database() -> Any:
    """The session factory of a city workstation: it has no database. Nothing in the GUI
    opens a session itself (docs/ARCHITECTURE.md "Layers"); reaching this is a wiring bug,
    said plainly."""
    raise RuntimeError("a city workstation (backend = remote) has no database session")


def connect_workstation(settings: Settings) -> tuple[RemoteServices, Callable[[], None]]:
    """The GUI composition root's remote services and the function that closes them."""
    services = connect(settings)
    return services, services.connection.close


def connect(settings: Settings) -> RemoteServices:
    """A ``RemoteServices`` for ``settings`` (checked first)."""
    from counter_app.remote.client import RemoteServices
    from counter_app.remote.transport import ServerConnection

    check_remote_settings(settings)
    connection = ServerConnection(
        settings.server_url,
        Path(settings.client_cert),
        Path(settings.client_key),
        Path(settings.server_ca),
    )
    return RemoteServices(connection)
