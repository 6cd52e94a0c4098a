# push-owner.sh: resolves --chown names to this host's numeric ids.
# Usage:   sh -c SCRIPT isuops USER GROUP
#   USER    a user name or uid ('' = not asked)
#   GROUP   a group name or gid ('' = not asked)
# Output:  four lines on stdout: uid (`-` when not asked), gid (`-` when not asked), the login
#          user's uid, the login user's gid.
# Exit:    0; 3 unknown user (id's message on stderr); 4 unknown group (`no such group: G`).
# Needs:   id, getent, cut, grep.

u=$1
g=$2
if [ -z "$u" ]; then
  echo -
else
  case $u in
    *[!0-9]*) id -u -- "$u" || exit 3 ;;
    *) echo "$u" ;;
  esac
fi
if [ -z "$g" ]; then
  echo -
else
  case $g in
    *[!0-9]*) getent group -- "$g" | cut -d: -f3 | grep . || { echo "no such group: $g" >&2; exit 4; } ;;
    *) echo "$g" ;;
  esac
fi
id -u
id -g
