#!/usr/bin/env bash
# Regenerate sample_data/ from the lab, both logging profiles (Postfix + Dovecot), and the
# OpenSMTPD set from a third run (recommended profile, OpenSMTPD on): its opensmtpd.log and the
# ground truth of its OpenSMTPD sessions. Run as root from a checkout.
# Usage: lab/make_sample_data.sh [DEST]   (default: <repo>/sample_data; env SEED, SCALE)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

dest=${1:-$(cd "$LAB_SRC/.." && pwd)/sample_data}
work=$(mktemp -d /tmp/mailtls-sample.XXXXXX)
trap 'rm -rf "$work"' EXIT

for profile in default recommended; do
    LAB_OPENSMTPD=0 "$LAB_SRC/run.sh" "$profile" "$work/$profile"
done
LAB_OPENSMTPD=1 "$LAB_SRC/run.sh" recommended "$work/opensmtpd"

rm -rf "$dest/logs" "$dest/maildir" "$dest/ground_truth"
mkdir -p "$dest/ground_truth" "$dest/maildir"
for profile in default recommended; do
    "$PYTHON" "$LAB_SRC/rotate.py" "$work/$profile/logs" "$dest/logs/$profile"
    for f in sessions messages; do
        cp "$work/$profile/ground_truth/$f.csv" "$dest/ground_truth/${profile}_$f.csv"
    done
    cp "$work/$profile/lab-info.txt" "$dest/ground_truth/${profile}_lab-info.txt"
    # One Maildir per user holding the mail delivered in both runs (file names are unique).
    (cd "$work/$profile/maildir" && find . -type f) | while read -r f; do
        mkdir -p "$dest/maildir/$(dirname "$f")"
        cp -p "$work/$profile/maildir/$f" "$dest/maildir/$f"
    done
done
cp "$work/recommended/ground_truth/users.csv" "$dest/ground_truth/users.csv"
mkdir -p "$dest/logs/opensmtpd"
cp "$work/opensmtpd/logs/opensmtpd.log" "$dest/logs/opensmtpd/opensmtpd.log"
cp "$work/opensmtpd/lab-info.txt" "$dest/ground_truth/opensmtpd_lab-info.txt"
for f in sessions messages; do
    "$PYTHON" - "$work/opensmtpd/ground_truth/$f.csv" "$dest/ground_truth/opensmtpd_$f.csv" <<'PY'
import csv, sys
with open(sys.argv[1], newline="") as src:
    reader = csv.DictReader(src)
    rows = [r for r in reader if r["server"] == "opensmtpd"]
with open(sys.argv[2], "w", newline="") as out:
    writer = csv.DictWriter(out, reader.fieldnames, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
PY
done
chown -R --reference="$LAB_SRC" "$dest" 2>/dev/null || true
du -sh "$dest"
log "sample data written to $dest"
