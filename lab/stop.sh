#!/usr/bin/env bash
# Stop only the daemons this lab started (found by the lab's own pid files / config dirs).
# Usage: lab/stop.sh [all|dovecot|postfix]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

what=${1:-all}

stop_dovecot() {
    dovecot_running || return 0
    local pid
    pid=$(tr -dc '0-9' <"$DC_BASE/master.pid")
    doveadm -c "$DC_CONF" stop 2>/dev/null || kill "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
        log "Dovecot master $pid still alive, sending KILL"
        kill -9 "$pid" || true
    fi
    for p in 143 993 110 995; do wait_port_closed "$p" 10 || true; done
}

stop_postfix() {
    postfix_running || return 0
    local pid
    pid=$(tr -dc '0-9' <"$PF_SPOOL/pid/master.pid")
    postfix -c "$PF_DIR" stop 2>&1 | sed 's/^/[postfix] /' >&2 || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    for p in 25 587 465; do wait_port_closed "$p" 10 || true; done
}

case $what in
    all) stop_postfix; stop_dovecot ;;
    dovecot) stop_dovecot ;;
    postfix) stop_postfix ;;
    *) echo "usage: lab/stop.sh [all|dovecot|postfix]" >&2; exit 2 ;;
esac
log "stopped: $what"
