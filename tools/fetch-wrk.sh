#!/usr/bin/env bash
# Fetches wrk (Debian 12's package, with the LuaJIT library it links) for the benchmarks that put
# their HTTP load in a process of its own: downloaded with apt-get and unpacked into .tools/, no
# system install. Idempotent; prints the path of a wrapper that runs it.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${GIMOPS_TOOLS_DIR:-$root/.tools}/wrk-debian"
wrapper="$dest/wrk"

runs() { [ -x "$wrapper" ] && case "$("$wrapper" --version 2>&1 || true)" in wrk*) true ;; *) false ;; esac; }
if runs; then
  echo "$wrapper"; exit 0
fi
. "$root/tools/debian-unpack.sh"
debian_unpack fetch-wrk "$dest" wrk libluajit-5.1-2
cat > "$dest/wrk" <<'WRAP'
#!/usr/bin/env bash
here="$(cd "$(dirname "$0")" && pwd)"
LD_LIBRARY_PATH="$here/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec "$here/usr/bin/wrk" "$@"
WRAP
chmod +x "$dest/wrk"
runs || { echo "fetch-wrk: the unpacked wrk does not run" >&2; exit 1; }
echo "$wrapper"
