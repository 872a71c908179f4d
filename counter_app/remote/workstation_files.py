"""A city workstation's files checked before its window opens: the settings
(``workstation_file.check_remote_settings``), then the files they name — the client
certificate, its private key and the city CA — each found, readable and usable, each
refusal naming the setting and the file (``SettingsError``, Chinese).

Without this a missing CA file stopped the start with ``FileNotFoundError`` from the TLS
library, which names no file at all.
"""

from __future__ import annotations

import os
import ssl
from pathlib import Path

from counter_app.remote.workstation_file import check_remote_settings
from counter_app.settings import Settings, SettingsError

#: The files a city workstation's settings name, with what each is.
FILES = (
    ("client_cert", "本工作站的证书"),
    ("client_key", "本工作站的私钥"),
    ("server_ca", "城市 CA 证书"),
)


def check_workstation_start(settings: Settings) -> None:
    """Refuse (``SettingsError``) a city workstation that could not reach its server: its
    settings as ``check_remote_settings`` says, then each file. Nothing for an in-process
    workstation."""
    if settings.backend != "remote":
        return
    check_remote_settings(settings)
    for name, what in FILES:
        path = Path(getattr(settings, name))
        if not path.is_file():
            raise SettingsError(
                f"找不到{what}文件 {path}（设置项 {name}）。请核对设置文件中的路径"
                "（从签发机器拷来的设置文件须改成本机的路径）。"
            )
        if not os.access(path, os.R_OK):
            raise SettingsError(
                f"本程序没有读取{what}文件 {path} 的权限（设置项 {name}）。"
                "请联系系统管理员修正文件权限。"
            )
    ca = Path(settings.server_ca)
    try:
        context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(ca))
    except ssl.SSLError as exc:
        raise SettingsError(
            f"城市 CA 证书文件 {ca}（设置项 server_ca）不是 PEM 格式的证书。请拷贝正确的 ca.crt。"
        ) from exc
    try:
        context.load_cert_chain(settings.client_cert, settings.client_key)
    except ssl.SSLError as exc:
        raise SettingsError(
            f"本工作站的证书 {settings.client_cert} 与私钥 {settings.client_key}"
            "（设置项 client_cert、client_key）无法使用：须是同一次签发的一对 PEM 文件。"
            "请从签发机器重新拷贝。"
        ) from exc
