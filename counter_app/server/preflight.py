"""What ``counter-server run`` checks before it listens: everything without which the server
would only fail request after request (docs/DEPLOYMENT.md §2).

- the PKI folder (``[server] pki_dir``): ``ca.crt``, ``server.crt``, ``server.key`` and
  ``crl.pem`` readable, the certificate and key a pair signed by the CA and in force, the
  revocation list signed by the CA (one that is not would refuse every workstation);
- the card keys (``key_source``): loadable, and no CARD.md test key in production mode;
- the forms' verification key (``form_hmac_key``) in production mode;
- the database (``db_url`` / ``COUNTER_DB_URL``): set, and logging in succeeds;
- the address (``[server] host``, ``port``): free to listen on.

Each problem is one :class:`StartRefused` (a ``SettingsError``) whose Chinese message names
the setting or file and what to do; ``counter-server`` prints it as one line and exits 2.
No driver text: the database's refusal is named by kind (wrong password, no such database,
no answer), the URL with its password left out.
"""

from __future__ import annotations

import datetime as dt
import errno
import logging
import os
import socket
import ssl
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature

from counter_app.server.config import ServerConfig
from counter_app.server.pki import Pki
from counter_app.server.tls import server_ssl_context
from counter_app.settings import Settings, SettingsError

log = logging.getLogger("counter_server")

#: A server certificate running out within this many days is warned about at each start.
EXPIRY_WARNING_DAYS = 30


class StartRefused(SettingsError):
    """The server must not start; the message says which setting or file and why."""


def check_before_listening(config: ServerConfig) -> None:
    """Raise :class:`StartRefused` for the first fatal problem of ``config``."""
    check_pki(config.pki_dir)
    check_card_keys(config.settings)
    check_form_key(config.settings)
    check_database(config.settings)
    check_address(config.host, config.port)


def check_address(host: str, port: int) -> None:
    """The address can be listened on (uvicorn said "listening" first, then failed)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise StartRefused(f"无法识别监听地址 {host}（[server] host）。") from exc
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                what = f"端口 {port} 已被占用（另一个 counter-server 或其他程序）"
            elif exc.errno in (errno.EACCES, errno.EPERM):
                what = f"本程序没有权限监听端口 {port}"
            elif exc.errno == errno.EADDRNOTAVAIL:
                what = f"本机没有地址 {host}"
            else:
                what = f"无法监听 {host}:{port}"
            raise StartRefused(
                f"{what}。请核对服务器设置 [server] host、port（或 --host/--port）。"
            ) from exc


def check_pki(root: Path) -> None:
    pki = Pki(root)
    hint = "请核对服务器设置 [server] pki_dir，或用 counter-server pki init 创建"
    if not pki.root.is_dir():
        raise StartRefused(f"PKI 目录 {pki.root} 不存在（[server] pki_dir）。{hint}。")
    for path in (pki.ca_cert, pki.server_cert, pki.server_key, pki.crl):
        if not path.is_file():
            raise StartRefused(f"PKI 目录 {pki.root} 中没有 {path.name}。{hint}。")
        if not os.access(path, os.R_OK):
            raise StartRefused(f"本程序没有读取 {path} 的权限。请修正文件权限。")
    try:
        ca = x509.load_pem_x509_certificate(pki.ca_cert.read_bytes())
        server = x509.load_pem_x509_certificate(pki.server_cert.read_bytes())
    except ValueError as exc:
        raise StartRefused(
            f"{pki.ca_cert.name} 或 {pki.server_cert.name}（{pki.root}）不是 PEM 格式的证书。"
        ) from exc
    try:
        server.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature) as exc:
        raise StartRefused(
            f"服务器证书 {pki.server_cert} 不是由 {pki.ca_cert} 签发的。"
            "请用同一 CA 换发：counter-server pki reissue-server。"
        ) from exc
    try:
        server_ssl_context(pki.server_cert, pki.server_key, pki.ca_cert)
    except ssl.SSLError as exc:
        raise StartRefused(
            f"服务器私钥 {pki.server_key} 与证书 {pki.server_cert} 不配对或无法读取。"
            "请拷贝同一次签发的 server.crt 和 server.key。"
        ) from exc
    now = dt.datetime.now(dt.UTC)
    until = server.not_valid_after_utc
    if until <= now:
        raise StartRefused(
            f"服务器证书 {pki.server_cert} 已于 {until.date().isoformat()} 过期。"
            "请换发：counter-server pki reissue-server。"
        )
    if until - now < dt.timedelta(days=EXPIRY_WARNING_DAYS):
        log.warning(
            "服务器证书 %s 将于 %s 过期，请尽快换发（counter-server pki reissue-server）",
            pki.server_cert,
            until.date().isoformat(),
        )
    try:
        crl = x509.load_pem_x509_crl(pki.crl.read_bytes())
        signed = crl.is_signature_valid(ca.public_key())  # type: ignore[arg-type]
    except ValueError:
        signed = False
    if not signed:
        raise StartRefused(
            f"吊销列表 {pki.crl} 无法读取或不是由 {pki.ca_cert.name} 签发的"
            "（服务器将拒绝所有工作站）。请从 CA 所在机器拷贝 crl.pem。"
        )


def check_card_keys(settings: Settings) -> None:
    """The server makes the keyed card steps for every workstation: without its keys none
    of them can be done (and the CARD.md test keys are public)."""
    from reader.errors import KeySourceError
    from reader.keys import load_key_provider

    try:
        load_key_provider(settings.key_source, settings.mode)
    except KeySourceError as exc:
        raise StartRefused(f"卡片密钥设置 key_source 不可用：{exc}") from exc


def check_form_key(settings: Settings) -> None:
    from counter_app.services.registered_forms import form_key

    try:
        form_key(settings)
    except SettingsError as exc:
        raise StartRefused(str(exc)) from exc


def database_target(url: str) -> str:
    """``user@host:port/database`` of a database URL, never its password."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return "（无法识别的 URL）"
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or "（内存数据库）"
    host = parsed.host or str(parsed.query.get("host", "localhost"))
    port_number = parsed.port or parsed.query.get("port")
    port = f":{port_number}" if port_number else ""
    user = f"{parsed.username}@" if parsed.username else ""
    return f"{user}{host}{port}/{parsed.database or ''}"


def check_database(settings: Settings) -> None:
    """A database is named (never the user's own SQLite file by default) and accepts the
    server's login; one ``SELECT 1``."""
    if not (settings.db_url or os.environ.get("COUNTER_DB_URL")):
        raise StartRefused(
            "服务器设置中没有数据库地址（db_url 或环境变量 COUNTER_DB_URL）。"
            "请填写服务器账户的 PostgreSQL URL。"
        )
    url = settings.database_url()
    target = database_target(url)
    from sqlalchemy import text
    from sqlalchemy.exc import ArgumentError, DBAPIError

    from counter_app import db

    try:
        engine = db.create_engine_for(url, lock_timeout_ms=settings.lock_timeout_ms)
    except (ArgumentError, ValueError, ImportError) as exc:
        raise StartRefused(
            f"数据库地址 db_url 无法识别（{target}）：应为 postgresql://用户@主机/库。"
        ) from exc
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except DBAPIError as exc:
        raise StartRefused(
            database_refusal(exc, target) + "。请核对服务器设置的 db_url 和数据库服务器后再启动。"
        ) from exc
    finally:
        engine.dispose()


def _driver_error(exc: BaseException) -> BaseException:
    """The driver's own error behind ``exc`` (SQLAlchemy's ``orig``, or a cause of a
    ``DatabaseUnavailable``), else the first cause of the chain."""
    seen: BaseException | None = exc
    last = exc
    for _ in range(10):
        if seen is None:
            break
        orig = getattr(seen, "orig", None)
        if isinstance(orig, BaseException):
            return orig
        if getattr(seen, "sqlstate", None) is not None:
            return seen
        last, seen = seen, seen.__cause__ or seen.__context__
    return last


def database_refusal(exc: BaseException, target: str) -> str:
    """One Chinese line for a database that refused or did not answer the first login."""
    cause = _driver_error(exc)
    state = getattr(cause, "sqlstate", None) or ""
    said = str(cause).lower()
    if state in ("28P01", "28000") or "password authentication failed" in said:
        what = "数据库拒绝登录：用户名或密码错误，或该用户不允许从本机登录"
    elif state == "3D000" or ("database" in said and "does not exist" in said):
        what = "数据库不存在"
    elif "role" in said and "does not exist" in said:
        what = "数据库中没有该用户"
    elif state == "42501" or "permission denied" in said:
        what = "数据库用户没有连接该库的权限"
    else:
        what = "连不上数据库服务器（未启动、主机或端口不对，或网络不通）"
    return f"{what}（db_url: {target}）"
