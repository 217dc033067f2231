#!/usr/bin/env bash
# The sample migration history: lab/week.py played once per simulated week (recommended Dovecot
# profile), then moved onto the calendar and rotated by lab/history.py. Run as root.
# Usage: lab/make_history.sh [DEST] [WORK]   (default DEST: <repo>/sample_data/history; env SEED)
# WORK keeps the raw runs (default: a temporary directory, removed at the end).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

dest=${1:-$(cd "$LAB_SRC/.." && pwd)/sample_data/history}
work=${2:-}
if [[ -z $work ]]; then
    work=$(mktemp -d /tmp/mailtls-history.XXXXXX)
    trap 'rm -rf "$work"' EXIT
fi
weeks=$("$PYTHON" -c "import sys; sys.path.insert(0, '$LAB_SRC'); import week; print(week.WEEKS)")

for ((w = 1; w <= weeks; w++)); do
    run=$(printf '%s/week%02d' "$work" "$w")
    [[ -s $run/lab-info.txt ]] && { log "week $w already played ($run)"; continue; }
    LAB_OPENSMTPD=0 SCENARIO=week.py "$LAB_SRC/run.sh" recommended "$run" --week "$w"
done
"$PYTHON" "$LAB_SRC/history.py" "$work" "$dest"
chown -R --reference="$LAB_SRC" "$dest" 2>/dev/null || true
du -sh "$dest"
log "history written to $dest"
