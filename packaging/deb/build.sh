#!/usr/bin/env bash
# Builds the Debian packages into OUTDIR (default dist/), each with the application in its
# own virtualenv (Debian's python3.11) holding only what its role imports:
#   xiaowu-booth   /opt/xiaowu/venv with xiaowu[booth] (Qt, OpenCV headless, OCR, speech,
#                  WebRTC); systemd unit under cage, udev rules, /etc/xiaowu/booth.toml
#   xiaowu-hub     /opt/xiaowu-hub/venv with xiaowu[hub,postgres]; systemd unit,
#                  /etc/xiaowu/hub.toml
# A booth and a hub are different machines: both packages provide /usr/bin/kiosk.
# Usage: packaging/deb/build.sh [OUTDIR] ; DEB_COMPRESS=none for a fast test build.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mkdir -p "${1:-$top/dist}" && cd "${1:-$top/dist}" && pwd)
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$top/pyproject.toml" | head -1)
arch=$(dpkg --print-architecture)
compress=${DEB_COMPRESS:-xz}
python=${DEB_PYTHON:-/usr/bin/python3.11}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

apt_depends() {  # the runtime Debian packages of packaging/apt-packages.txt for a role
    grep -Ev '^\s*(#|$)' "$top/packaging/apt-packages.txt" \
        | grep -Ev '^(xvfb|xauth|chromium|socat|poppler-utils|postgresql)$' | paste -sd, - | sed 's/,/, /g'
}

qt_libs="python3.11, libpulse0, libegl1, libgl1, libfontconfig1, libxkbcommon0, libglib2.0-0, libdbus-1-3"

control() {  # name depends description (the other role's package is another machine's)
    local other=xiaowu-hub
    [ "$1" = xiaowu-hub ] && other=xiaowu-booth
    mkdir -p "$work/$1/DEBIAN"
    cat > "$work/$1/DEBIAN/control" <<CONTROL
Package: $1
Version: $version
Architecture: $arch
Maintainer: Xiaowu team <xiaowu@example.gov.cn>
Section: misc
Priority: optional
Depends: $2
Conflicts: $other, xiaowu-common
Replaces: xiaowu-common
Description: $3
CONTROL
}

venv_with() {  # package-root venv-dir extras [no-deps-requirement]: the app and its role's packages
    local venv="$1/$2"
    mkdir -p "$(dirname "$venv")"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check "$top[$3]"
    if [ -n "${4:-}" ]; then
        "$venv/bin/pip" install -q --disable-pip-version-check --no-deps "$4"
    fi
    find "$venv" -name '__pycache__' -type d -prune -exec rm -rf {} +
    # The venv was built in a staging dir: point its scripts at where it will be installed.
    grep -rlI "^#!$venv/bin/python" "$venv/bin" | xargs -r sed -i "1s|^#!$venv/bin/python|#!/$2/bin/python|"
    sed -i "s|$venv|/$2|g" "$venv/bin/activate" "$venv/bin/activate.csh" "$venv/bin/activate.fish"
    # The data files, in the source tree's layout (kiosk.resources.data_path finds them here).
    mkdir -p "$venv/share/xiaowu"
    cp -a "$top/assets" "$top/i18n" "$venv/share/xiaowu/"
    mkdir -p "$1/usr/bin"
    ln -s "/$2/bin/kiosk" "$1/usr/bin/kiosk"
}

# --- xiaowu-booth ---------------------------------------------------------------------
root="$work/xiaowu-booth"
# RapidOCR without its own requirement of the full OpenCV (with its own Qt) beside the
# headless one: its other requirements are in the booth extra.
venv_with "$root" opt/xiaowu/venv booth 'rapidocr-onnxruntime>=1.3'
install -D -m 0644 "$top/packaging/systemd/xiaowu-booth.service" "$root/lib/systemd/system/xiaowu-booth.service"
install -D -m 0644 "$top/packaging/udev/99-xiaowu.rules" "$root/lib/udev/rules.d/99-xiaowu.rules"
install -D -m 0640 "$top/packaging/etc/booth.toml" "$root/etc/xiaowu/booth.toml"
install -D -m 0644 "$top/packaging/etc/journald-xiaowu.conf" "$root/etc/systemd/journald.conf.d/xiaowu.conf"
install -D -m 0644 "$top/README.md" "$root/usr/share/doc/xiaowu-booth/README.md"
control xiaowu-booth "$qt_libs, cage, $(apt_depends)" \
    "Xiaowu self-service government booth: the booth app, devices and kiosk session"
echo "/etc/xiaowu/booth.toml" > "$root/DEBIAN/conffiles"
cat > "$root/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
# DPKG_ROOT is set when installing into another root (dpkg --root): act on files only.
set -e
if [ "$1" = configure ]; then
    if ! getent passwd xiaowu >/dev/null 2>&1 && [ -z "$DPKG_ROOT" ]; then
        useradd --system --create-home --home-dir /var/lib/xiaowu --shell /usr/sbin/nologin \
            --groups dialout,video,audio,input xiaowu
    fi
    if [ -z "$DPKG_ROOT" ] && [ -d /run/systemd/system ]; then
        udevadm control --reload-rules || true
        udevadm trigger --subsystem-match=tty --subsystem-match=video4linux || true
        systemctl daemon-reload || true
        systemctl enable xiaowu-booth.service || true
        systemctl set-default graphical.target || true
    fi
fi
exit 0
POSTINST
chmod 0755 "$root/DEBIAN/postinst"

# --- xiaowu-hub -----------------------------------------------------------------------
root="$work/xiaowu-hub"
venv_with "$root" opt/xiaowu-hub/venv hub,postgres
install -D -m 0644 "$top/packaging/systemd/xiaowu-hub.service" "$root/lib/systemd/system/xiaowu-hub.service"
install -D -m 0640 "$top/packaging/etc/hub.toml" "$root/etc/xiaowu/hub.toml"
install -D -m 0644 "$top/README.md" "$root/usr/share/doc/xiaowu-hub/README.md"
control xiaowu-hub "python3.11, fonts-noto-cjk" \
    "Xiaowu self-service government booth: the hub (API, signaling, clerk console, citizen page)"
echo "/etc/xiaowu/hub.toml" > "$root/DEBIAN/conffiles"
cat > "$root/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
    if ! getent passwd xiaowu-hub >/dev/null 2>&1 && [ -z "$DPKG_ROOT" ]; then
        useradd --system --home-dir /var/lib/xiaowu-hub --shell /usr/sbin/nologin xiaowu-hub
    fi
    # The data keys (docs/security.md): made once, readable by the hub's user alone.
    keys=/etc/xiaowu/hub-data.keys
    if [ -z "$DPKG_ROOT" ] && [ ! -e "$keys" ]; then
        /opt/xiaowu-hub/venv/bin/kiosk hub --new-data-key "$keys" >/dev/null
        chown xiaowu-hub:xiaowu-hub "$keys"
    fi
    if [ -z "$DPKG_ROOT" ] && [ -d /run/systemd/system ]; then
        systemctl daemon-reload || true
        systemctl enable xiaowu-hub.service || true
    fi
fi
exit 0
POSTINST
chmod 0755 "$root/DEBIAN/postinst"

for pkg in xiaowu-booth xiaowu-hub; do
    dpkg-deb --root-owner-group -Z"$compress" --build "$work/$pkg" "$out/${pkg}_${version}_${arch}.deb" >/dev/null
    echo "$out/${pkg}_${version}_${arch}.deb"
done
