#!/usr/bin/env bash
# Simulated cleartext cut: restart the lab Dovecot with disable_plaintext_auth=yes, keeping the
# logging profile. Postfix is left unchanged (587 still offers AUTH without TLS).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
profile=$(cat "$LAB_DIR/profile" 2>/dev/null || echo default)
"$LAB_SRC/stop.sh" dovecot
write_dovecot_conf "$profile" cut
dovecot -c "$DC_CONF"
for p in 143 993 110 995; do wait_port "$p"; done
for _ in $(seq 50); do [[ -S $DC_BASE/auth-postfix ]] && break; sleep 0.1; done
log "cleartext cut active (profile=$profile)"
