#!/usr/bin/env bash
# Start the lab's Postfix and Dovecot on 127.0.0.1. Usage: lab/start.sh PROFILE [PHASE]
#   PROFILE: default | recommended   (Dovecot login_log_format_elements)
#   PHASE:   open (default; cleartext auth allowed) | cut (Dovecot disable_plaintext_auth=yes)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

profile=${1:?usage: lab/start.sh default|recommended [open|cut]}
phase=${2:-open}

[[ -s $DC_DIR/users && -s $PF_DIR/main.cf ]] || "$LAB_SRC/setup.sh"
write_dovecot_conf "$profile" "$phase"
echo "$profile" >"$LAB_DIR/profile"

if dovecot_running; then
    log "Dovecot already running (lab instance), restarting with profile=$profile phase=$phase"
    "$LAB_SRC/stop.sh" dovecot
fi
doveconf -c "$DC_CONF" -n >/dev/null
dovecot -c "$DC_CONF"
for p in 143 993 110 995; do wait_port "$p"; done

if ! postfix_running; then
    postfix -c "$PF_DIR" start 2>&1 | sed 's/^/[postfix] /' >&2
fi
for p in 25 587 465; do wait_port "$p"; done
# The SASL and LMTP sockets must exist before the first client arrives.
for s in auth-postfix lmtp; do
    for _ in $(seq 50); do [[ -S $DC_BASE/$s ]] && break; sleep 0.1; done
done
log "lab up: profile=$profile phase=$phase (logs in $LOG_DIR)"
