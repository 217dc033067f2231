#!/usr/bin/env bash
# One complete lab run: setup (if needed), start, scenario (phase open, cut, phase cut), stop,
# collect. Usage: lab/run.sh PROFILE OUTDIR [scenario args...]
#   PROFILE: default | recommended
#   OUTDIR gets: logs/postfix.log, logs/dovecot.log, logs/opensmtpd.log, maildir/<user>/{cur,new,tmp}/... (message files only),
#                ground_truth/{sessions,messages,users}.csv, lab-info.txt
# env: LAB_DIR (default /tmp/mailtls-lab), SEED (default 8314), SCALE (default 1),
#      LAB_OPENSMTPD (default 1; 0 = no OpenSMTPD, Postfix and Dovecot only),
#      SCENARIO (default scenario.py; week.py plays one week of lab/make_history.sh)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

profile=${1:?usage: lab/run.sh default|recommended OUTDIR [scenario args...]}
out=${2:?usage: lab/run.sh default|recommended OUTDIR [scenario args...]}
shift 2
seed=${SEED:-8314}
scale=${SCALE:-1}

[[ $(id -u) == 0 ]] || { echo "lab/run.sh must run as root" >&2; exit 1; }
t0=$(date +%s)

with_opensmtpd=${LAB_OPENSMTPD:-1}
"$LAB_SRC/setup.sh"
((with_opensmtpd)) && "$LAB_SRC/opensmtpd.sh" setup
"$LAB_SRC/opensmtpd.sh" stop
"$LAB_SRC/stop.sh" all
# Fresh state for every run: empty logs, Maildirs and Dovecot state.
rm -rf "$LOG_DIR" "$MAIL_DIR" "$LAB_DIR/state/dovecot"
mkdir -p "$LOG_DIR" "$MAIL_DIR" "$LAB_DIR/state/dovecot"
chown "$VMAIL_UID:$VMAIL_GID" "$MAIL_DIR"

trap '"$LAB_SRC/opensmtpd.sh" stop || true; "$LAB_SRC/stop.sh" all || true' EXIT
"$LAB_SRC/start.sh" "$profile" open
scenario_args=()
if ((with_opensmtpd)); then
    "$LAB_SRC/opensmtpd.sh" start
    scenario_args=(--opensmtpd-host "$OSMTPD_IP")
fi

mkdir -p "$out/ground_truth" "$out/logs"
"$PYTHON" "$LAB_SRC/${SCENARIO:-scenario.py}" --out "$out/ground_truth" --seed "$seed" \
    --scale "$scale" --cut-command "$LAB_SRC/cut.sh" "${scenario_args[@]}" "$@"

# Let the queue drain (every message delivered over LMTP) before stopping.
for _ in $(seq 100); do
    postqueue -c "$PF_DIR" -p 2>/dev/null | grep -q 'Mail queue is empty' && break
    sleep 0.2
done
postqueue -c "$PF_DIR" -p 2>/dev/null | grep -q 'Mail queue is empty' || log "WARNING: queue not empty"
"$LAB_SRC/opensmtpd.sh" drain
"$LAB_SRC/opensmtpd.sh" stop
"$LAB_SRC/stop.sh" all
trap - EXIT

cp "$PF_LOG" "$out/logs/postfix.log"
cp "$DC_LOG" "$out/logs/dovecot.log"
((with_opensmtpd)) && cp "$OS_LOG" "$out/logs/opensmtpd.log"
# Maildirs as maildir/<user>/{cur,new,tmp} (message files only, no Dovecot index files).
rm -rf "$out/maildir"
mkdir -p "$out/maildir"
for d in "$MAIL_DIR"/*/Maildir; do
    [[ -d $d ]] || continue
    u=$(basename "$(dirname "$d")")
    mkdir -p "$out/maildir/$u"
    for sub in cur new tmp; do
        mkdir -p "$out/maildir/$u/$sub"
        [[ -d $d/$sub ]] && find "$d/$sub" -maxdepth 1 -type f -exec cp -p {} "$out/maildir/$u/$sub/" \;
    done
done
{
    echo "profile=$profile"
    echo "seed=$seed"
    echo "scale=$scale"
    echo "generated_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "postfix=$(postconf -d -h mail_version)"
    echo "dovecot=$(dovecot --version)"
    ((with_opensmtpd)) && echo "opensmtpd=$("$LAB_SRC/opensmtpd.sh" version)"
    echo "openssl=$(openssl version)"
    echo "python=$("$PYTHON" -c 'import sys, ssl; print(sys.version.split()[0], ssl.OPENSSL_VERSION)')"
    echo "hostname=$LAB_HOST"
    echo "seconds=$(($(date +%s) - t0))"
} >"$out/lab-info.txt"
log "run done: profile=$profile -> $out ($(($(date +%s) - t0))s)"
