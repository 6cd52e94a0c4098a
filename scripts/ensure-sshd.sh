#!/usr/bin/env bash
# Makes sure the tools the lab (isuops lab up) and the e2e tests need are installed.
# Fast and silent when everything is present; installs with apt-get as root; else says what to install.
set -euo pipefail

need=()
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v ssh >/dev/null 2>&1 || need+=(openssh-client)
command -v rsync >/dev/null 2>&1 || need+=(rsync)
command -v pdsh >/dev/null 2>&1 || need+=(pdsh)
command -v sudo >/dev/null 2>&1 || need+=(sudo)
command -v ps >/dev/null 2>&1 || need+=(procps)
command -v unshare >/dev/null 2>&1 && command -v nsenter >/dev/null 2>&1 || need+=(util-linux)
# tail's journal targets are tested against a standalone systemd-journald inside a lab host
{ [ -x /lib/systemd/systemd-journald ] && command -v journalctl >/dev/null 2>&1; } || need+=(systemd)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-sshd: missing ${need[*]}: install them (Debian/Ubuntu: sudo apt-get install -y ${need[*]})" >&2
  exit 1
fi

echo "ensure-sshd: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# policy-rc.d 101 keeps the package's postinst from starting a system sshd that could hold port 22
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy"
  trap 'rm -f "$policy"' EXIT
fi
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# the lab's sshd needs its privilege separation dir; a system sshd normally creates it
mkdir -p /run/sshd
if ss -ltn 2>/dev/null | awk '{print $4}' | grep -Eq '^(0\.0\.0\.0|\*|\[::\]):22$'; then
  echo "ensure-sshd: note: something listens on port 22 on all addresses; lab hosts will use port 2222" >&2
fi
