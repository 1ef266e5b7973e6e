#!/usr/bin/env bash
# Finds or fetches a real PostgreSQL server for the tests (rule 6's reachability check runs against
# it): the machine's own Debian postgresql when installed, else Debian 12's postgresql-15 package
# downloaded with apt-get and unpacked into .tools/ (nothing installed system-wide, no service
# started). Idempotent; prints the directory holding initdb and postgres.
# Needs: apt-get and dpkg-deb (Debian), and the Debian mirrors reachable when not installed.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${GIMOPS_TOOLS_DIR:-$root/.tools}/postgresql-debian"

runs() {
  [ -x "$1/postgres" ] && [ -x "$1/initdb" ] && "$1/postgres" --version >/dev/null 2>&1
}

if [ -z "${GIMOPS_POSTGRES_UNPACKED:-}" ]; then
  for bin in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
    if runs "$bin"; then echo "$bin"; exit 0; fi
  done
fi
for bin in $(ls -d "$dest"/usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
  if runs "$bin"; then echo "$bin"; exit 0; fi
done

. "$root/tools/debian-unpack.sh"
debian_unpack fetch-postgresql "$dest" postgresql-15
bin="$(ls -d "$dest"/usr/lib/postgresql/*/bin | sort -rV | head -1)"
if ! runs "$bin"; then
  # The server's shared libraries (no services): what the package depends on, libraries only.
  missing="$(ldd "$bin/postgres" | awk '/not found/ {print $1}')"
  echo "fetch-postgresql: installing the libraries postgres needs: $missing" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    libicu72 libxml2 libssl3 libgssapi-krb5-2 libldap-2.5-0 liblz4-1 libzstd1 libpam0g libsystemd0 \
    libxslt1.1 libuuid1 >/dev/null 2>"$dest/apt.log" || { cat "$dest/apt.log" >&2; exit 1; }
  runs "$bin" || { echo "fetch-postgresql: the unpacked postgres does not run" >&2; ldd "$bin/postgres" >&2; exit 1; }
fi
echo "$bin"
