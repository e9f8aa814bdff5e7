# shellcheck shell=bash
# Shared helpers for tools/test.sh and tools/ci/*.sh. Source it; do not run it.

# netsock_ensure_packages PKG...: install the Debian packages that are missing.
# Runs `apt-get update` once, and only when something is missing; uses sudo when not root.
# On systems without dpkg it only warns: bring the tools yourself.
netsock_ensure_packages() {
    if ! command -v dpkg-query >/dev/null 2>&1; then
        echo "note: not a Debian-like system; make sure these are installed: $*" >&2
        return 0
    fi
    local missing=() pkg
    for pkg in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$pkg")
        fi
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        return 0
    fi
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo=(sudo)
        else
            echo "error: missing packages (${missing[*]}) and not root; install them first" >&2
            return 1
        fi
    fi
    echo "installing: ${missing[*]}"
    if [ -z "${NETSOCK_APT_UPDATED:-}" ]; then
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
        export NETSOCK_APT_UPDATED=1
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "${missing[@]}"
}
