"""Why ``counter-admin db upgrade`` was refused a privilege, and what the DBA must do.

Revisions 0004 and 0008 make cluster-wide roles: ``counter_app_rw`` and ``counter_server``
(created when missing) and the membership ``counter_server`` ∈ ``counter_app_rw``.
Creating a role needs CREATEROLE; granting membership in a role needs ADMIN OPTION on it
(or CREATEROLE). The owner of a city database has neither unless the superuser's step of
docs/DEPLOYMENT.md §4 gave it what it needs — so a refused upgrade by the owner is almost
always that step missing, and "use the owner's URL" would send the operator in a circle.

After the refusal (the whole upgrade rolled back) this looks, with the same login, at what
is missing — the group roles, ADMIN OPTION on ``counter_app_rw``, ownership of the
database — and names it, with the SQL that fixes it. Only reads the catalogue.
"""

from __future__ import annotations

from sqlalchemy import exc as sa_exc
from sqlalchemy import text

from counter_app import db

APP_ROLE = "counter_app_rw"
SERVER_ROLE = "counter_server"

_FACTS = text(
    """
    SELECT current_user,
           r.rolsuper,
           r.rolcreaterole,
           pg_catalog.pg_get_userbyid(d.datdba) AS owner,
           EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = :app) AS has_app,
           EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = :server) AS has_server,
           CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = :app)
                THEN pg_catalog.pg_has_role(current_user, :app, 'MEMBER WITH ADMIN OPTION')
                ELSE false END AS app_admin
    FROM pg_catalog.pg_roles r, pg_catalog.pg_database d
    WHERE r.rolname = current_user AND d.datname = pg_catalog.current_database()
    """
)


def upgrade_refusal(error: sa_exc.DBAPIError, url: str) -> str | None:
    """The operator's message for a privilege refusal (42501) during ``db upgrade`` on
    PostgreSQL, or None for any other failure."""
    state = getattr(error.orig, "sqlstate", None)
    if state != "42501" and "permission denied" not in str(error.orig).lower():
        return None
    if db.normalise_url(url).get_backend_name() != "postgresql":
        return None
    engine = db.create_engine_for(url)
    try:
        with engine.connect() as conn:
            row = conn.execute(_FACTS, {"app": APP_ROLE, "server": SERVER_ROLE}).one()
    except sa_exc.DBAPIError:
        return None
    finally:
        engine.dispose()
    user, superuser, createrole, owner, has_app, has_server, app_admin = row
    if superuser:
        return None
    if user != owner:
        return (
            f"数据库账户 {user} 不是此数据库的所有者（所有者是 {owner}），不能建表或迁移。"
            f"请改用所有者 {owner} 的 URL 运行 counter-admin db upgrade。"
        )
    missing = []
    if not has_app:
        missing.append(
            f"CREATE ROLE {APP_ROLE} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;"
        )
    if not has_server:
        missing.append(f"CREATE ROLE {SERVER_ROLE} NOLOGIN;")
    if not app_admin and not createrole:
        missing.append(f"GRANT {APP_ROLE} TO {user} WITH ADMIN OPTION;")
    if not missing:
        return (
            f"数据库所有者 {user} 的迁移被拒绝了某项权限，但角色设置看来齐全。"
            "请以 COUNTER_DEBUG=1 重新运行查看详情，并对照 docs/DEPLOYMENT.md §4。"
        )
    return (
        f"数据库所有者 {user} 不能建立或授予数据库角色（迁移 0004/0008 需要），升级已全部撤回。"
        "请由 PostgreSQL 超级用户先执行 docs/DEPLOYMENT.md §4“First installation”第 2 步："
        f"{' '.join(missing)} 然后重新运行 counter-admin db upgrade。"
    )
