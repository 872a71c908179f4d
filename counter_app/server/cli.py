"""``counter-server``: run the application server, and manage the city's certificates.

    counter-server run --config server.toml
    counter-server secret FILE                       a new session-token secret
    counter-server pki init DIR [--name HOST ...]    CA, server certificate, empty CRL
    counter-server pki issue-workstation DIR WS-ID --office CODE --server-url URL
                   [--settings-out FILE]             client certificate (+ settings file)
    counter-server pki revoke DIR WS-ID              put its certificate on the CRL

A running server re-reads the CRL on the next request: a revoked workstation is refused at
once, without a restart.
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
    from counter_app.server.runner import serve

    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    serve(load_server_config(Path(args.config), **overrides))
    return 0


def _secret(args: argparse.Namespace) -> int:
    from counter_app.server.config import new_token_secret

    new_token_secret(Path(args.file))
    print(f"已生成会话令牌密钥: {args.file}（各台服务器须使用同一文件）")
    return 0


def _pki_init(args: argparse.Namespace) -> int:
    from counter_app.server.pki import Pki

    Pki(Path(args.dir)).init(tuple(args.name or ["localhost"]))
    print(f"已创建 CA、服务器证书和吊销列表: {args.dir}（ca.key 签发完毕后请离线保存）")
    return 0


def _pki_issue(args: argparse.Namespace) -> int:
    from counter_app.remote.workstation_file import workstation_settings_text
    from counter_app.server.pki import Pki

    crt, key = Pki(Path(args.dir)).issue_workstation(args.workstation, args.office)
    print(f"已签发工作站证书: {crt}\n私钥: {key}（只拷贝到该工作站）")
    if args.settings_out:
        out = Path(args.settings_out)
        out.write_text(
            workstation_settings_text(
                workstation_id=args.workstation,
                office_code=args.office,
                server_url=args.server_url,
                client_cert=str(crt),
                client_key=str(key),
                server_ca=str(Pki(Path(args.dir)).ca_cert),
            ),
            encoding="utf-8",
        )
        print(f"工作站设置文件: {out}（不含数据库密码和卡片密钥）")
    return 0


def _pki_revoke(args: argparse.Namespace) -> int:
    from counter_app.server.pki import Pki

    serial = Pki(Path(args.dir)).revoke(args.workstation)
    print(f"已吊销工作站 {args.workstation} 的证书（序列号 {serial:x}）")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="counter-server", description="社保卡经办 业务服务器")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = sub.add_parser("run", help="启动业务服务器")
    run.add_argument("--config", required=True, help="服务器设置文件 (TOML)")
    run.add_argument("--host")
    run.add_argument("--port", type=int)
    run.set_defaults(func=_run)
    secret = sub.add_parser("secret", help="生成会话令牌密钥文件")
    secret.add_argument("file")
    secret.set_defaults(func=_secret)
    pki = sub.add_parser("pki", help="证书: init | issue-workstation | revoke")
    pki_sub = pki.add_subparsers(dest="pki_command", metavar="PKI_COMMAND")
    init = pki_sub.add_parser("init")
    init.add_argument("dir")
    init.add_argument("--name", action="append", help="服务器主机名或 IP（可多次）")
    init.set_defaults(func=_pki_init)
    issue = pki_sub.add_parser("issue-workstation")
    issue.add_argument("dir")
    issue.add_argument("workstation")
    issue.add_argument("--office", required=True)
    issue.add_argument("--server-url", default="https://localhost:8443")
    issue.add_argument("--settings-out")
    issue.set_defaults(func=_pki_issue)
    revoke = pki_sub.add_parser("revoke")
    revoke.add_argument("dir")
    revoke.add_argument("workstation")
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
