#!/usr/bin/env bash
# Fetches the real Prometheus and Alertmanager the tests run (Debian 12's packages prometheus
# 2.42 and prometheus-alertmanager 0.25), without installing them system-wide: the .deb files are
# downloaded with apt-get and unpacked into .tools/. Idempotent; prints the directory holding
# the two binaries (prometheus, prometheus-alertmanager).
# Needs: apt-get and dpkg-deb (Debian), and the Debian mirrors reachable.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${GIMOPS_TOOLS_DIR:-$root/.tools}/prometheus-debian"
bin="$dest/usr/bin"

# Debian builds Alertmanager to read its notification templates from /usr/share/prometheus/
# alertmanager (a path compiled in); without them it refuses every configuration. Put the
# package's own templates there when they are missing (needs root, as apt-get install would).
templates() {
  local want=/usr/share/prometheus/alertmanager/default.tmpl
  if [ ! -f "$want" ]; then
    if [ "$(id -u)" = 0 ]; then
      mkdir -p /usr/share/prometheus/alertmanager
      cp "$dest/usr/share/prometheus/alertmanager/"*.tmpl /usr/share/prometheus/alertmanager/
    else
      echo "fetch-prometheus: Alertmanager needs $want: run once as root, or apt-get install prometheus-alertmanager" >&2
    fi
  fi
}

if [ -x "$bin/prometheus" ] && [ -x "$bin/prometheus-alertmanager" ]; then
  templates
  echo "$bin"
  exit 0
fi

. "$root/tools/debian-unpack.sh"
debian_unpack fetch-prometheus "$dest" prometheus prometheus-alertmanager
templates
"$bin/prometheus" --version >/dev/null 2>&1 || { echo "fetch-prometheus: the unpacked prometheus does not run" >&2; exit 1; }
echo "$bin"
