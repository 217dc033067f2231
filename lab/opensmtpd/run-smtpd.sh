#!/bin/sh
# Run inside `unshare -m`: give smtpd its private queue, /run (control socket, pid file) and
# resolver configuration, its delivery helpers (all compiled-in paths), record its pid, then become smtpd in the foreground.
# Usage: run-smtpd.sh OS_DIR SMTPD
set -e
os_dir=$1 smtpd=$2
mount --bind "$os_dir/spool" /var/spool/smtpd
mount --bind "$os_dir/run" /run
mount --bind "$os_dir/resolv.conf" /etc/resolv.conf
mount --bind "$(dirname "$smtpd")/../libexec/opensmtpd" /usr/libexec/opensmtpd
echo $$ >"$os_dir/smtpd.pid"
exec "$smtpd" -d -f "$os_dir/smtpd.conf"
