#!/usr/bin/env bash
# tests/install-deps.sh GROUP... - install ztopo's Debian 12 dependencies.
#
#   build  toolchain and libraries needed by `make`
#   test   the real consumers the test suite checks output against:
#          MariaDB (grants), the option registries of nova, keystone,
#          glance, placement and neutron (their oslo.config files), xmllint
#          (SMF manifests), ansible (Debian's full package: it ships
#          community.general, whose vmadm and imgadm modules the
#          generated playbook uses), graphviz, clang with libFuzzer's
#          runtime (libclang-rt-14-dev, only recommended by clang) for
#          the fuzz target, vim and man-db (make install's syntax file
#          and man pages are loaded by them), mandoc (its -T lint), strace
#          (the order of the calls that make a tree durable)
#   e2e    what tests/t/e2e-boot.sh runs the dev target with: Debian's
#          Zed services (keystone, glance, placement, neutron, nova's
#          control plane), RabbitMQ, memcached, uwsgi's python3 plugin,
#          iproute2 and util-linux (namespaces), the openstack client
#
# Example: tests/install-deps.sh build test
#
# Idempotent and quiet: asks dpkg-query which packages are missing and does
# nothing (prints nothing) when none are. Otherwise runs `apt-get update`
# then installs only the missing ones, non-interactively (no stdin needed).
# Never starts services: unless /usr/sbin/policy-rc.d already forbids
# starts, a temporary one answering 101 is put in place while apt runs and
# removed (or the previous one restored) afterwards. Runs as root, or
# through sudo; fails with a clear message when neither is possible.
set -euo pipefail

build_pkgs=(gcc make flex bison pkg-config libjansson-dev libxml2-dev libssl-dev)
# python3-keystoneauth1 and python3-oslo.config come with python3-nova but
# tests/lib/check-*-conf.py import them directly, so name them; the option
# registries (tests/gen-oslo-options.py) need every project ztopo writes
# for and every library namespace their generator files list, osprofiler
# and glance_store among them.
test_pkgs=(clang libclang-rt-14-dev libxml2-utils mariadb-server mariadb-client
  python3 python3-nova python3-keystone python3-glance python3-glance-store
  python3-placement python3-neutron python3-osprofiler
  python3-keystonemiddleware python3-keystoneauth1 python3-oslo.config
  ansible graphviz vim man-db mandoc patch strace)
e2e_pkgs=(iproute2 util-linux mariadb-server mariadb-client rabbitmq-server
  memcached uwsgi-core uwsgi-plugin-python3 keystone glance-api placement-api
  neutron-server nova-api nova-scheduler nova-conductor nova-consoleproxy
  python3-openstackclient python3-pymysql curl)

me=install-deps
usage() { echo "usage: $0 GROUP...   (groups: build test e2e)" >&2; exit 2; }
[ $# -gt 0 ] || usage

want=()
for group in "$@"; do
  case $group in
    build) want+=("${build_pkgs[@]}") ;;
    test) want+=("${test_pkgs[@]}") ;;
    e2e) want+=("${e2e_pkgs[@]}") ;;
    *) echo "$me: unknown group '$group'" >&2; usage ;;
  esac
done

missing=()
for p in "${want[@]}"; do
  st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  if [ "$st" != "install ok installed" ]; then
    case " ${missing[*]} " in *" $p "*) ;; *) missing+=("$p") ;; esac
  fi
done
[ ${#missing[@]} -gt 0 ] || exit 0

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  # -n: never wait for a password prompt when there is no terminal (CI)
  if [ -t 0 ]; then
    sudo=(sudo)
  elif sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
  else
    echo "$me: not root, and sudo needs a password but there is no terminal;" >&2
    echo "  as root run: apt-get update && apt-get install ${missing[*]}" >&2
    exit 1
  fi
else
  echo "$me: not root and sudo not found; as root run:" >&2
  echo "  apt-get update && apt-get install ${missing[*]}" >&2
  exit 1
fi

echo "$me: installing: ${missing[*]}" >&2

# policy-rc.d(8): exit status 101 = "action forbidden". invoke-rc.d and
# deb-systemd-invoke ask it before starting a service from a postinst
# (mariadb-server's would start a system mariadbd otherwise).
prc=/usr/sbin/policy-rc.d
saved=
created=
restore_prc() {
  if [ -n "$saved" ]; then
    "${sudo[@]}" mv -f "$saved" "$prc" || echo "$me: could not restore $prc from $saved" >&2
  elif [ -n "$created" ]; then
    "${sudo[@]}" rm -f "$prc" || echo "$me: could not remove $prc" >&2
  fi
}
forbids_starts() { # does the existing policy-rc.d already say 101?
  local rc=0
  [ -x "$prc" ] || return 1
  "$prc" mariadb start >/dev/null 2>&1 </dev/null || rc=$?
  [ "$rc" -eq 101 ]
}
if ! forbids_starts; then
  if [ -e "$prc" ] || [ -L "$prc" ]; then
    saved=$prc.ztopo-saved.$$
    "${sudo[@]}" mv -f "$prc" "$saved"
  fi
  trap restore_prc EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  created=1
  printf '#!/bin/sh\n# temporary, from ztopo tests/install-deps.sh\nexit 101\n' |
    "${sudo[@]}" tee "$prc" >/dev/null
  "${sudo[@]}" chmod 755 "$prc"
fi

apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -q)
"${apt[@]}" update </dev/null
"${apt[@]}" install --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
  "${missing[@]}" </dev/null

still=()
for p in "${missing[@]}"; do
  st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$st" = "install ok installed" ] || still+=("$p")
done
if [ ${#still[@]} -gt 0 ]; then
  echo "$me: still not installed: ${still[*]}" >&2
  exit 1
fi
echo "$me: installed: ${missing[*]}" >&2
