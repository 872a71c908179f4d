"""What the city's certificates may name, checked before anything is signed: a workstation
id (a certificate's CN), an office code (its O) and a server's host names and addresses
(its SAN). Each refusal is a :class:`PkiError` with a Chinese message saying what to write.
"""

from __future__ import annotations

import ipaddress
import re

WORKSTATION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
#: The office codes of the city (as ``counter-admin office add`` takes them): a district's
#: medical insurance sub-center <district>-YB, its windows <district>-CK01..99, and the
#: city's card service center 500000-KZX.
OFFICE_CODE = re.compile(r"^(?:500000-KZX|(\d{6})-(?:YB|CK(?!00)\d{2}))$")
HOST_NAME = re.compile(r"[A-Za-z0-9*]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")


class PkiError(ValueError):
    """The PKI folder or a request cannot be used; the message says what to do."""


def check_office_code(office_code: str) -> str:
    """The office code as a workstation certificate's O carries it (``PkiError`` for one
    that is no office of the city: a certificate for 999999-XX would be issued in vain)."""
    from counter_app.validation.regions import is_chongqing_district

    code = office_code.strip()
    if not code:
        raise PkiError("请给出工作站所属经办机构代码（如 500103-YB）。")
    match = OFFICE_CODE.match(code)
    if match is None:
        raise PkiError(
            f"经办机构代码 {code!r} 格式不对：应为 区县代码-YB（医保分中心）、"
            "区县代码-CK01…CK99（服务窗口）或 500000-KZX（社保卡服务中心），如 500103-YB。"
        )
    district = match.group(1)
    if district is not None and not is_chongqing_district(district):
        raise PkiError(
            f"经办机构代码 {code} 中的 {district} 不是重庆市现行的区县代码。请核对机构代码。"
        )
    return code


def check_server_name(name: str) -> None:
    """A host name or IP address a server certificate may carry."""
    try:
        ipaddress.ip_address(name)
        return
    except ValueError:
        pass
    if not HOST_NAME.fullmatch(name):
        raise PkiError(f"服务器名称 {name!r} 不是主机名或 IP 地址。")
