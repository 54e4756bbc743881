#!/usr/bin/env bash
# System packages pivotrl needs on a fresh Debian machine, and a running Docker daemon:
#   python3-venv (the project's virtual environment), docker.io (the default sandbox),
#   debootstrap (builds the sandbox root file system), bubblewrap (the no-daemon sandbox),
#   libseccomp2 (compiles the sandboxes' seccomp filters; pyseccomp loads it).
set -euo pipefail

missing=()
python3 -c "import venv, ensurepip" 2>/dev/null || missing+=(python3-venv)
command -v dockerd >/dev/null || missing+=(docker.io)
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v bwrap >/dev/null || missing+=(bubblewrap)
ldconfig -p 2>/dev/null | grep -q 'libseccomp\.so\.2' || missing+=(libseccomp2)

if ((${#missing[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
        echo "pivotrl needs: ${missing[*]} (run: sudo apt-get install -y ${missing[*]})" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Start dockerd when none answers (root only; elsewhere the bubblewrap backend is used).
if ! docker info >/dev/null 2>&1 && [[ $(id -u) -eq 0 ]]; then
    echo "starting dockerd" >&2
    nohup dockerd >/var/log/pivotrl-dockerd.log 2>&1 &
    for _ in $(seq 1 60); do
        docker info >/dev/null 2>&1 && break
        sleep 0.5
    done
    docker info >/dev/null 2>&1 || { echo "dockerd did not start; see /var/log/pivotrl-dockerd.log" >&2; exit 1; }
fi
