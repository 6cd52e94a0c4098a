# tail-journal.sh: follows a systemd unit's journal as JSON (every entry carries its cursor).
# Usage:   sh -c SCRIPT isuops-journal ARG...
#   ARG...  journalctl's arguments (--unit=, --lines= or --since= or --after-cursor=...)
# Output:  journalctl's: one JSON object per line on stdout.
# Exit:    journalctl's; 127 with one line on stderr when journalctl is not there.
# Needs:   journalctl (systemd).

j=$(command -v journalctl 2>/dev/null)
if [ -z "$j" ] || [ ! -x "$j" ]; then
  echo "journalctl: command not found (no systemd journal on this host)" >&2
  exit 127
fi
exec journalctl "$@"
