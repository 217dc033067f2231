#!/usr/bin/env bash
# OpenSMTPD 6.8 for the lab: the third server of the RFC 8314 practice, beside Postfix.
# Usage (as root): lab/opensmtpd.sh build|setup|start|stop|drain|version
#
#   build  Debian 12's own source package (opensmtpd 6.8.0p2-4, `apt-get source` through a
#          private source list: nothing under /etc/apt is changed) rebuilt with
#          lab/opensmtpd/openssl3-privsep-key.patch (upstream issue #1171: Debian's binary fails
#          every TLS handshake against OpenSSL 3), then `dpkg-deb -x` under $OSMTPD_CACHE/root.
#          The package is never installed: it conflicts with postfix (mail-transport-agent).
#          Cached: a second call with the same patch does nothing (~1 min the first time).
#   setup  the system users the package's postinst would create, smtpd.conf and tables under
#          $LAB_DIR/opensmtpd.
#   start  smtpd -d on $OSMTPD_IP (25 plain, 587 tls + auth, 465 smtps + auth) in its own mount
#          namespace (private queue, /run, resolv.conf; the build's /usr/libexec/opensmtpd), stderr stamped into
#          $LOG_DIR/opensmtpd.log as a syslog file.
#   drain  wait until the queue is empty (every message handed to Dovecot over LMTP).
#   stop   stop the lab's smtpd (by its pid file only).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

OSMTPD_CACHE="${OSMTPD_CACHE:-/var/cache/mailtls-opensmtpd}"
OSMTPD_ROOT="$OSMTPD_CACHE/root"
OSMTPD_PATCH="$LAB_SRC/opensmtpd/openssl3-privsep-key.patch"
OSMTPD_BUILD_DEPS=(dpkg-dev fakeroot debhelper bison libdb-dev libevent-dev libpam0g-dev
    libssl-dev po-debconf zlib1g-dev autoconf automake libtool)

osmtpd_stamp() { echo "$OSMTPD_ROOT/.mailtls-$(sha256sum "$OSMTPD_PATCH" | cut -c1-16)"; }

osmtpd_build() {
    [[ -e $(osmtpd_stamp) && -x $OSMTPD_ROOT/usr/sbin/smtpd ]] && return 0
    local need=() p apt_opts src
    for p in "${OSMTPD_BUILD_DEPS[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
    done
    if ((${#need[@]})); then
        log "installing build dependencies: ${need[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" ||
            { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"; }
    fi
    # Source packages through a private list: the machine's sources have no deb-src lines.
    mkdir -p "$OSMTPD_CACHE/apt/lists/partial" "$OSMTPD_CACHE/src"
    echo "deb-src http://deb.debian.org/debian bookworm main" >"$OSMTPD_CACHE/apt/sources.list"
    apt_opts=(-o "Dir::Etc::SourceList=$OSMTPD_CACHE/apt/sources.list" -o "Dir::Etc::SourceParts=/nonexistent"
        -o "Dir::State::Lists=$OSMTPD_CACHE/apt/lists")
    cd "$OSMTPD_CACHE/src"
    if ! compgen -G "opensmtpd_6.8.0p2-*.dsc" >/dev/null; then
        log "fetching Debian 12's opensmtpd source package"
        apt-get "${apt_opts[@]}" update -qq
        # bookworm's own version (6.8.0p2-4 when written; a stable update keeps 6.8.0p2)
        apt-get "${apt_opts[@]}" source --download-only opensmtpd 2>&1 |
            grep -v '^W: Download is performed unsandboxed' >&2 || true
    fi
    local dsc
    dsc=$(compgen -G "opensmtpd_6.8.0p2-*.dsc" | sort -V | tail -1 || true)
    [[ -n $dsc ]] || { log "no opensmtpd 6.8.0p2 source package found"; return 1; }
    src=opensmtpd-6.8.0p2
    rm -rf "$src" ./*.deb ./*.buildinfo ./*.changes
    dpkg-source -x "$dsc" "$src" >/dev/null 2>&1
    cp "$OSMTPD_PATCH" "$src/debian/patches/"
    basename "$OSMTPD_PATCH" >>"$src/debian/patches/series"
    log "building ${dsc%.dsc} with $(basename "$OSMTPD_PATCH") (log: $OSMTPD_CACHE/src/build.log)"
    (cd "$src" && DEB_BUILD_OPTIONS="nocheck nodoc parallel=$(nproc)" dpkg-buildpackage -b -uc -us) \
        >"$OSMTPD_CACHE/src/build.log" 2>&1 || { tail -30 "$OSMTPD_CACHE/src/build.log" >&2; return 1; }
    rm -rf "$OSMTPD_ROOT"
    dpkg-deb -x "$(compgen -G "opensmtpd_6.8.0p2-*_$(dpkg --print-architecture).deb" | head -1)" "$OSMTPD_ROOT"
    echo "${dsc%.dsc}" >"$OSMTPD_ROOT/.mailtls-source"
    rm -rf "$src"
    touch "$(osmtpd_stamp)"
    log "built under $OSMTPD_ROOT"
}

# The users and directories Debian's postinst would create (compiled into smtpd).
osmtpd_system() {
    local name
    for name in opensmtpd opensmtpq; do
        getent group "$name" >/dev/null || addgroup --system "$name" >/dev/null
    done
    id opensmtpd >/dev/null 2>&1 || adduser --system --home /var/lib/opensmtpd/empty --no-create-home \
        --disabled-password --gecos "OpenSMTPD Daemon" --ingroup opensmtpd opensmtpd >/dev/null 2>&1
    id opensmtpq >/dev/null 2>&1 || adduser --system --home /var/lib/opensmtpd/empty --no-create-home \
        --disabled-password --gecos "OpenSMTPD queue user" --ingroup opensmtpq opensmtpq >/dev/null 2>&1
    mkdir -p /var/lib/opensmtpd/empty
    mkdir -p /var/spool/smtpd /usr/libexec/opensmtpd  # empty mount points (lab/opensmtpd/run-smtpd.sh)
}

osmtpd_conf() {
    mkdir -p "$OS_DIR" "$OS_DIR/spool" "$OS_DIR/run"
    chmod 711 "$OS_DIR/spool"
    # Credentials table (crypt(3) SHA-512 hashes) and the recipients Dovecot knows.
    "$PYTHON" "$LAB_SRC/scenario.py" --list-users | while read -r user pw; do
        printf '%s %s\n' "$user" "$(openssl passwd -6 "$pw")"
    done >"$OS_DIR/creds.new"
    mv "$OS_DIR/creds.new" "$OS_DIR/creds"
    chmod 640 "$OS_DIR/creds"
    chgrp opensmtpd "$OS_DIR/creds"
    # Every lab user is delivered as the system user `mail` (Dovecot's static userdb uid).
    "$PYTHON" "$LAB_SRC/scenario.py" --list-users | while read -r user _; do
        printf '%s mail\n' "$user"
    done >"$OS_DIR/vusers"
    echo "lookup file" >"$OS_DIR/resolv.conf"  # no DNS in the lab: /etc/hosts only
    cat >"$OS_DIR/smtpd.conf" <<EOF
# mailtls lab OpenSMTPD configuration (generated by lab/opensmtpd.sh)
pki $LAB_HOST cert "$TLS_DIR/cert.pem"
pki $LAB_HOST key "$TLS_DIR/key.pem"
# 6.8 has no protocols option: TLS 1.0/1.1 need security level 0 under OpenSSL 3.
smtp ciphers "DEFAULT:@SECLEVEL=0"
table creds file:$OS_DIR/creds
table vusers file:$OS_DIR/vusers

# An unmigrated site: 25 without TLS or AUTH (legacy clients send AUTH PLAIN anyway and are
# refused with 503), 587 STARTTLS with AUTH after TLS, 465 implicit TLS with AUTH.
listen on $OSMTPD_IP port 25 hostname $LAB_HOST
listen on $OSMTPD_IP port 587 tls pki $LAB_HOST hostname $LAB_HOST auth <creds> received-auth
listen on $OSMTPD_IP port 465 smtps pki $LAB_HOST hostname $LAB_HOST auth <creds> received-auth

action "dovecot" lmtp "$DC_BASE/lmtp-opensmtpd" rcpt-to virtual <vusers>
match from any for domain "$LAB_DOMAIN" action "dovecot"
match auth from any for domain "$LAB_DOMAIN" action "dovecot"
EOF
    "$OSMTPD_ROOT/usr/sbin/smtpd" -n -f "$OS_DIR/smtpd.conf" >/dev/null
}

osmtpd_running() { pid_alive "$OS_DIR/smtpd.pid"; }

osmtpd_start() {
    osmtpd_running && return 0
    rm -f "$OS_DIR/smtpd.pid"
    mkdir -p "$LOG_DIR"
    rm -rf "$OS_DIR/spool" && mkdir -p "$OS_DIR/spool" && chmod 711 "$OS_DIR/spool"
    # A private mount namespace: the queue (/var/spool/smtpd), the control socket and pid file
    # (/run) and the resolver configuration are compiled-in paths.
    setsid unshare -m --propagation private "$LAB_SRC/opensmtpd/run-smtpd.sh" "$OS_DIR" \
        "$OSMTPD_ROOT/usr/sbin/smtpd" \
        2> >("$PYTHON" "$LAB_SRC/opensmtpd/syslog_stamp.py" "${LAB_HOST%%.*}" "$OS_DIR/smtpd.pid" "$OS_LOG") \
        </dev/null >/dev/null &
    local p
    for p in 25 587 465; do wait_port "$p" 20 "$OSMTPD_IP"; done
}

osmtpd_smtpctl() { nsenter -t "$(tr -dc '0-9' <"$OS_DIR/smtpd.pid")" -m "$OSMTPD_ROOT/usr/sbin/smtpctl" "$@"; }

osmtpd_drain() {
    osmtpd_running || return 0
    local _
    for _ in $(seq 100); do
        [[ -z $(osmtpd_smtpctl show queue 2>/dev/null) ]] && return 0
        sleep 0.2
    done
    log "WARNING: OpenSMTPD queue not empty"
}

osmtpd_stop() {
    osmtpd_running || return 0
    local pid p
    pid=$(tr -dc '0-9' <"$OS_DIR/smtpd.pid")
    kill "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { log "smtpd $pid still alive, sending KILL"; kill -9 "$pid" || true; }
    for p in 25 587 465; do wait_port_closed "$p" 10 "$OSMTPD_IP" || true; done
    rm -f "$OS_DIR/smtpd.pid"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    [[ $(id -u) == 0 ]] || { echo "lab/opensmtpd.sh must run as root" >&2; exit 1; }
    case ${1:-} in
        build) osmtpd_build ;;
        setup) osmtpd_build && osmtpd_system && osmtpd_conf ;;
        start) osmtpd_start && log "OpenSMTPD up on $OSMTPD_IP (log $OS_LOG)" ;;
        stop) osmtpd_stop ;;
        drain) osmtpd_drain ;;
        version) echo "$(cat "$OSMTPD_ROOT/.mailtls-source" 2>/dev/null || echo opensmtpd_6.8.0p2-4) (Debian source) + $(basename "$OSMTPD_PATCH")" ;;
        *) echo "usage: lab/opensmtpd.sh build|setup|start|stop|drain|version" >&2; exit 2 ;;
    esac
fi
