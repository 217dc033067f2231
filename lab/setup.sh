#!/usr/bin/env bash
# Install Postfix + Dovecot (Debian packages) and prepare the lab run directory.
# Idempotent; run as root. Usage: lab/setup.sh   (env: LAB_DIR, default /tmp/mailtls-lab)
#
# Nothing under /etc is edited: the lab runs with `postfix -c $LAB_DIR/postfix` and
# `dovecot -c $LAB_DIR/dovecot/dovecot.conf`. The packages are installed with services
# prevented from starting (policy-rc.d) and a "No configuration" Postfix debconf answer, so
# installing does not leave a stock Postfix/Dovecot running.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $(id -u) == 0 ]] || { echo "lab/setup.sh must run as root" >&2; exit 1; }

PKGS=(postfix dovecot-core dovecot-imapd dovecot-pop3d dovecot-lmtpd openssl)

need_install=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need_install+=("$p")
done
if ((${#need_install[@]})); then
    log "installing ${need_install[*]}"
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    # Keep the packages' init scripts from starting daemons during installation.
    made_policy=0
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        made_policy=1
    fi
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y "${need_install[@]}"; then
        log "apt-get install failed; running apt-get update once and retrying"
        apt-get update
        DEBIAN_FRONTEND=noninteractive apt-get install -y "${need_install[@]}"
    fi
    ((made_policy)) && rm -f /usr/sbin/policy-rc.d
fi

mkdir -p "$LAB_DIR" "$LOG_DIR" "$TLS_DIR" "$MAIL_DIR" "$DC_DIR" "$DC_BASE" "$LAB_DIR/state/dovecot"
chmod 755 "$LAB_DIR" "$LOG_DIR" "$LAB_DIR/run"
chown "$VMAIL_UID:$VMAIL_GID" "$MAIL_DIR"

# Self-signed certificate for mail.lab.example (RSA 2048, so TLS 1.0/1.1 suites exist).
if [[ ! -s $TLS_DIR/cert.pem || ! -s $TLS_DIR/key.pem ]]; then
    log "generating self-signed certificate for $LAB_HOST"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -sha256 \
        -subj "/CN=$LAB_HOST" -addext "subjectAltName=DNS:$LAB_HOST" \
        -keyout "$TLS_DIR/key.pem" -out "$TLS_DIR/cert.pem" 2>/dev/null
    chmod 600 "$TLS_DIR/key.pem"
fi
if [[ ! -s $TLS_DIR/dh.pem ]]; then
    # RFC 7919 ffdhe2048 group: instant, unlike `openssl dhparam`.
    openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048 -out "$TLS_DIR/dh.pem" 2>/dev/null
fi

# Virtual users (single source of truth: lab/scenario.py) -> Dovecot passwd-file, Postfix map.
"$PYTHON" "$LAB_SRC/scenario.py" --list-users | while read -r user pw; do
    printf '%s:{PLAIN}%s\n' "$user" "$pw"
done >"$DC_DIR/users.new"
mv "$DC_DIR/users.new" "$DC_DIR/users"
chmod 640 "$DC_DIR/users"
chgrp dovecot "$DC_DIR/users"

write_postfix_conf
"$PYTHON" "$LAB_SRC/scenario.py" --list-users | while read -r user _; do
    printf '%s %s/\n' "$user" "${user%@*}"
done >"$PF_DIR/vmailbox"

write_dovecot_conf default open

# Create the queue directory tree with the right owners (post-install create-missing).
mkdir -p "$PF_SPOOL" "$PF_DATA"
chown postfix "$PF_DATA"
postfix -c "$PF_DIR" check >/dev/null 2>&1 || postfix -c "$PF_DIR" check
log "setup done in $LAB_DIR (Postfix $(postconf -d -h mail_version), Dovecot $(dovecot --version | cut -d' ' -f1))"
