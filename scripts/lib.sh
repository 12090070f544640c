# Shared by scripts/demo and scripts/test: find Python 3.12+, make the virtualenv, install.
# shellcheck shell=bash

die() { echo "ERROR: $*" >&2; exit 1; }
say() { echo "==> $*"; }

find_python() {
  local candidates=("${PYTHON:-}" python3.13 python3.12)
  if command -v pyenv >/dev/null 2>&1; then
    candidates+=("$(pyenv root)"/versions/3.13.*/bin/python3.13 "$(pyenv root)"/versions/3.12.*/bin/python3.12)
  fi
  candidates+=(/usr/bin/python3.13 /usr/bin/python3.12 /usr/local/bin/python3.13 /usr/local/bin/python3.12 python3)
  for c in "${candidates[@]}"; do
    [ -n "$c" ] || continue
    if "$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then
      echo "$c"; return 0
    fi
  done
  die "Python 3.12 or newer is needed. Install it (e.g. 'pyenv install 3.12') or set PYTHON=/path/to/python3.12."
}

apt_install() {
  # Install Debian packages that are missing, when we can (root or sudo, apt-get present).
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
  if command -v apt-get >/dev/null 2>&1; then
    say "Installing system packages: ${missing[*]}"
    $sudo apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null \
      || die "Could not install ${missing[*]} with apt-get; install them by hand."
  else
    die "Missing system packages: ${missing[*]} (no apt-get here; install them by hand)."
  fi
}

ensure_venv() {
  local python
  python=$(find_python)
  if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
    say "Creating .venv with $("$python" --version)"
    rm -rf .venv && "$python" -m venv .venv
  fi
  local stamp=.venv/.requirements.sha256
  local want
  want=$(sha256sum requirements.txt | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "Installing Python packages (pinned with hashes in requirements.txt)"
    .venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
    .venv/bin/python -m pip install -q --require-hashes -r requirements.txt 2>&1 | grep -v '^WARNING: Location' || true
    .venv/bin/python -c 'import django, guardian, simple_history, celery, weasyprint' \
      || die "Python packages did not install; see the messages above."
    echo "$want" > "$stamp"
  fi
}
