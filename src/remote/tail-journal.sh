# tail-journal.sh: follows a systemd unit's journal as JSON (every entry carries its cursor).
# Usage:   sh -c SCRIPT isuops-journal ARG...
#   ARG...  journalctl's arguments (--unit=, --lines= or --since= or --after-cursor=...)
# Output:  journalctl's: one JSON object per line on stdout.
# Exit:    journalctl's; 127 with one line on stderr when journalctl is not there.
# Stderr:  also `isuops-journal: no-unit NAME` when the unit has no unit file and no entry yet.
# Needs:   journalctl (systemd).

j=$(command -v journalctl 2>/dev/null)
if [ -z "$j" ] || [ ! -x "$j" ]; then
  echo "journalctl: command not found (no systemd journal on this host)" >&2
  exit 127
fi
# A fresh start on a unit with no unit file and no entry: one line on stderr
# (`isuops-journal: no-unit NAME.service`), since journalctl would wait in silence.
u=''
resume=''
for a in "$@"; do
  case $a in
    --unit=*) u=${a#--unit=} ;;
    --after-cursor=*) resume=1 ;;
  esac
done
if [ -n "$u" ] && [ -z "$resume" ]; then
  case $u in
    *.*) f=$u ;;
    *) f=$u.service ;;
  esac
  # foo@bar.service comes from foo@.service
  case $f in
    *@*.*) t=${f%%@*}@.${f##*.} ;;
    *) t=$f ;;
  esac
  found=''
  for d in /etc/systemd/system /run/systemd/system /usr/local/lib/systemd/system /usr/lib/systemd/system /lib/systemd/system; do
    if [ -e "$d/$f" ] || [ -e "$d/$t" ]; then found=1; fi
  done
  if [ -z "$found" ] && [ -z "$(journalctl --quiet --no-pager --lines=1 --output=json "--unit=$u" 2>/dev/null | head -c 1)" ]; then
    echo "isuops-journal: no-unit $f" >&2
  fi
fi
exec journalctl "$@"
