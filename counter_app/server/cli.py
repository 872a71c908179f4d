"""``counter-server``: run the application server, and manage the city's certificates.

    counter-server run --config server.toml
    counter-server secret FILE [--replace]           a new session-token secret
    counter-server pki init DIR [--name HOST ...]    CA, server certificate, empty CRL
    counter-server pki reissue-server DIR [--name HOST ...]
                                                     a new server certificate, same CA
    counter-server pki issue-workstation DIR WS-ID --office CODE --server-url URL
                   [--settings-out FILE] [--replace] client certificate (+ settings file)
    counter-server pki revoke DIR WS-ID              put its certificate on the CRL

A running server re-reads the CRL on the next request: a revoked workstation is refused at
once, without a restart. A new server certificate is read when the server starts.
Every command checks everything it was given before it writes anything.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from counter_app.settings import SettingsError


def _run(args: argparse.Namespace) -> int:
    from counter_app.server.config import load_server_config
    from counter_app.server.preflight import check_before_listening
    from counter_app.server.runner import serve

    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    config = load_server_config(Path(args.config), **overrides)
    check_before_listening(config)  # nothing fatal is found only once it listens
    serve(config)
    return 0


def _secret(args: argparse.Namespace) -> int:
    from counter_app.server.config import new_token_secret

    new_token_secret(Path(args.file), replace=args.replace)
    if args.replace:
        print(
            f"已更换会话令牌密钥: {args.file}。请把该文件拷贝到每台服务器并一起重启；"
            "重启后各工作站须重新登录。"
        )
    else:
        print(f"已生成会话令牌密钥: {args.file}（各台服务器须使用同一文件）")
    return 0


def _pki_init(args: argparse.Namespace) -> int:
    from counter_app.server.pki import Pki

    Pki(Path(args.dir)).init(tuple(args.name or ["localhost"]))
    print(f"已创建 CA、服务器证书和吊销列表: {args.dir}（ca.key 签发完毕后请离线保存）")
    return 0


def _pki_reissue_server(args: argparse.Namespace) -> int:
    from counter_app.server.pki import Pki

    cert = Pki(Path(args.dir)).reissue_server(tuple(args.name or ()))
    names = "、".join(Pki(Path(args.dir)).server_names())
    until = cert.not_valid_after_utc.date().isoformat()
    print(
        f"已换发服务器证书: {Path(args.dir) / 'server.crt'}（名称 {names}，有效至 {until}）。"
        "请把 server.crt 和 server.key 拷贝到每台服务器的 pki_dir 并重启 counter-server；"
        "工作站无需改动。"
    )
    return 0


def _pki_issue(args: argparse.Namespace) -> int:
    from counter_app.remote.workstation_file import workstation_settings_text
    from counter_app.server.pki import Pki, check_office_code

    pki = Pki(Path(args.dir))
    office = check_office_code(args.office)
    pki.check_new_workstation(args.workstation, replace=args.replace)
    out = Path(args.settings_out) if args.settings_out else None

    def settings_text() -> str:
        return workstation_settings_text(
            workstation_id=args.workstation,
            office_code=office,
            server_url=args.server_url,
            client_cert=str(pki.workstation_cert(args.workstation)),
            client_key=str(pki.workstation_key(args.workstation)),
            server_ca=str(pki.ca_cert),
        )

    if out is not None:  # checked before the certificate is issued
        settings_text()
        if not out.parent.is_dir():
            raise SettingsError(
                f"目录 {out.parent} 不存在：设置文件无法写入。请核对 --settings-out。"
            )
        if out.exists() and not args.replace:
            raise SettingsError(
                f"设置文件 {out} 已存在，未作改动。请换一个文件名，或加 --replace。"
            )
    replaced = pki.workstation_serial(args.workstation)
    crt, key = pki.issue_workstation(args.workstation, office, replace=args.replace)
    print(f"已签发工作站证书: {crt}\n私钥: {key}（只拷贝到该工作站）")
    if replaced is not None:
        print(f"原证书（序列号 {replaced:x}）已吊销：该工作站须换用新证书和私钥。")
    if out is not None:
        out.write_text(settings_text(), encoding="utf-8")
        print(
            f"工作站设置文件: {out}（不含数据库密码和卡片密钥）。其中的证书、私钥和 CA 路径是"
            "本机的；拷贝到工作站后请改成那里的路径。"
        )
    return 0


def _pki_revoke(args: argparse.Namespace) -> int:
    from counter_app.server.pki import Pki

    pki = Pki(Path(args.dir))
    already = pki.is_revoked(args.workstation)
    serial = pki.revoke(args.workstation)
    if already:
        print(f"工作站 {args.workstation} 的证书（序列号 {serial:x}）已吊销过，未作改动。")
    else:
        print(f"已吊销工作站 {args.workstation} 的证书（序列号 {serial:x}）")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="counter-server", description="社保卡经办 业务服务器")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = sub.add_parser("run", help="启动业务服务器（启动前检查设置、证书、密钥和数据库）")
    run.add_argument("--config", required=True, help="服务器设置文件 (TOML)")
    run.add_argument("--host", help="监听地址（覆盖设置文件的 [server] host）")
    run.add_argument("--port", type=int, help="监听端口（覆盖设置文件的 [server] port）")
    run.set_defaults(func=_run)
    secret = sub.add_parser("secret", help="生成会话令牌密钥文件（已有文件时须加 --replace）")
    secret.add_argument("file", help="密钥文件路径（其目录须已存在）")
    secret.add_argument(
        "--replace",
        action="store_true",
        help="换掉已有的密钥：各台服务器换用并重启后，所有工作站须重新登录",
    )
    secret.set_defaults(func=_secret)
    pki = sub.add_parser("pki", help="证书: init | reissue-server | issue-workstation | revoke")
    pki_sub = pki.add_subparsers(dest="pki_command", metavar="PKI_COMMAND")
    pki_dir = "PKI 目录（pki init 创建的，含 ca.key）"
    init = pki_sub.add_parser("init", help="新建 CA、服务器证书和空的吊销列表（目录须为空）")
    init.add_argument("dir", help="新的 PKI 目录")
    init.add_argument("--name", action="append", help="服务器主机名或 IP（可多次）")
    init.set_defaults(func=_pki_init)
    reissue = pki_sub.add_parser(
        "reissue-server", help="用同一 CA 换发服务器证书（到期前续期，或增加服务器名称）"
    )
    reissue.add_argument("dir", help=pki_dir)
    reissue.add_argument(
        "--name",
        action="append",
        help="新证书的全部服务器主机名或 IP（可多次，旧名称也要列出；不给则沿用现有证书的名称）",
    )
    reissue.set_defaults(func=_pki_reissue_server)
    issue = pki_sub.add_parser("issue-workstation", help="签发一台工作站的客户端证书")
    issue.add_argument("dir", help=pki_dir)
    issue.add_argument("workstation", help="工作站编号（如 500103-YB-W07）")
    issue.add_argument("--office", required=True, help="工作站所属经办机构代码（如 500103-YB）")
    issue.add_argument(
        "--server-url", default="https://localhost:8443", help="业务服务器地址（https://主机:端口）"
    )
    issue.add_argument("--settings-out", help="同时写出该工作站的设置文件")
    issue.add_argument(
        "--replace",
        action="store_true",
        help="给已有有效证书的工作站换发新证书（旧证书随即吊销）",
    )
    issue.set_defaults(func=_pki_issue)
    revoke = pki_sub.add_parser("revoke", help="吊销一台工作站的证书（运行中的服务器立即拒绝它）")
    revoke.add_argument("dir", help=pki_dir)
    revoke.add_argument("workstation", help="工作站编号")
    revoke.set_defaults(func=_pki_revoke)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from counter_app.server.pki import PkiError

    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "func", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return int(handler(args) or 0)
    except (SettingsError, PkiError) as exc:
        print(f"错误: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
