# lab-keeper.sh: the lab host's keeper, run by `unshare --uts --mount --pid ...` as
# `sh DIR/hosts/NAME/keeper.sh NAME ETC_HOSTS [HOW SRC DST]...`: sets the hostname, binds the
# host's private dirs over the machine's, says `ready`, then idles so that the namespaces live on.
# Usage:
#   NAME       the hostname
#   ETC_HOSTS  the host's /etc/hosts, bound over /etc/hosts
#   HOW SRC DST  `bind` or `rbind` SRC over DST, in order (a lab dir inside a private dir is
#              bound back into the host's copy first, so that sshd still finds its config)
# Output:  `ready` on stdout once everything is in place; then stdin, stdout, stderr are closed.
# Exit:    1 when a step fails (set -e); otherwise it never ends (lab down kills it).
# Needs:   hostname, mount (util-linux), sleep.

set -e
hostname "$1"
hosts=$2
shift 2
while [ $# -ge 3 ]; do
  mount --"$1" "$2" "$3"
  shift 3
done
mount --bind "$hosts" /etc/hosts
# tells lab up the namespaces are ready, then lets go of its pipe
echo ready
exec </dev/null >/dev/null 2>&1
# stays a shell (not exec sleep): its command line names the lab dir for lab down's sweep
while :; do sleep 86400; done
