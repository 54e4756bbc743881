#!/usr/bin/env bash
# System packages pivotrl needs on a fresh Debian machine: Python's venv module.
# Later components (Docker, bubblewrap, debootstrap) add their packages here.
set -euo pipefail

missing=()
python3 -c "import venv, ensurepip" 2>/dev/null || missing+=(python3-venv)

if ((${#missing[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
        echo "pivotrl needs: ${missing[*]} (run: sudo apt-get install -y ${missing[*]})" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
