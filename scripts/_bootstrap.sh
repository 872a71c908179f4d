# Sourced by scripts/demo and scripts/test: system packages (when root) and the project venv.
# Not meant to be run by itself.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${COUNTER_VENV:-$ROOT/.venv}"

# Debian/Ubuntu packages, by purpose. Build: pyscard compiles against libpcsclite with swig.
APT_BUILD="python3-venv python3-dev gcc swig libpcsclite-dev"
# Qt's xcb platform plugin and a CJK font on screen.
APT_GUI="libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1 libdbus-1-3 fonts-noto-cjk"
# Embeddable TrueType CJK fonts for the printed forms (reportlab cannot embed Noto's CFF outlines).
APT_FONTS="fonts-wqy-zenhei fonts-arphic-uming fonts-hanazono"
# Test-only: the real PC/SC stack, PostgreSQL, PDF rendering, a virtual screen.
APT_TEST="pcscd vsmartcard-vpcd postgresql poppler-utils xvfb"

missing_packages() {
  local missing=""
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  echo "$missing"
}

ensure_apt() {
  local missing
  missing=$(missing_packages "$@")
  [ -z "$missing" ] && return 0
  if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "注意: 不是 Debian/Ubuntu 系统，请自行安装与以下软件包等价的组件:$missing" >&2
    return 0
  fi
  if [ "$(id -u)" = "0" ]; then
    echo "正在安装系统软件包 (installing):$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || apt-get update
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "缺少系统软件包 (missing system packages):$missing" >&2
    echo "请先以 root 运行 (run as root, then retry):" >&2
    echo "  sudo apt-get install -y$missing" >&2
    return 1
  fi
}

ensure_venv() {
  # $1: app | test (test includes app); $2: the pip extras to install.
  local hash stamp
  hash=$(cat "$ROOT/setup.cfg" "$ROOT/pyproject.toml" | sha256sum | cut -c1-16)
  stamp="$VENV/.installed-$hash-$1"
  if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
  fi
  [ -f "$stamp" ] && return 0
  [ "$1" = app ] && [ -f "$VENV/.installed-$hash-test" ] && return 0
  echo "正在准备 Python 环境 (installing Python packages into $VENV) …" >&2
  "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
  "$VENV/bin/python" -m pip install -q -e "$ROOT$2"
  rm -f "$VENV"/.installed-*
  touch "$stamp"
}
