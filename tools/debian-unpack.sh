# Sourced by the fetch-*.sh scripts: downloads Debian packages with apt-get (reading the package
# lists first when a fresh machine has none) and unpacks them into a directory, with no system
# install and no service started.
#   debian_unpack <who> <dest> <package>...   -> <dest> holds the packages' files
debian_unpack() {
  local who="$1" dest="$2"
  shift 2
  command -v apt-get >/dev/null || { echo "$who: apt-get is needed (this comes from Debian's packages)" >&2; return 1; }
  local work
  work="$(mktemp -d)"
  chmod 777 "$work"
  (cd "$work" && apt-get download -q "$@" >/dev/null 2>"$work/apt.log") || {
    apt-get update -q >/dev/null 2>&1 || true
    (cd "$work" && apt-get download -q "$@" >/dev/null 2>"$work/apt.log") || {
      cat "$work/apt.log" >&2; echo "$who: cannot download the Debian packages $*" >&2; rm -rf "$work"; return 1; }
  }
  rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
  local deb
  for deb in "$work"/*.deb; do
    dpkg-deb -x "$deb" "$dest.tmp"
  done
  rm -rf "$dest" && mv "$dest.tmp" "$dest"
  rm -rf "$work"
}
