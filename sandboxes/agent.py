"""The agent that runs inside every sandbox as PID 1 (standard library only).

It speaks newline-delimited JSON on stdin/stdout with the host. Each request runs one
check from a pristine copy of the state (``/state`` -> ``/work``), under resource limits,
with a wall-clock deadline and an output cap, then digests ``/work`` and removes every
process the check left behind (``kill(-1)`` spares PID 1) and every file it wrote in
``/work`` and ``/tmp``. As PID 1 it cannot be killed from inside the sandbox, and it
marks itself non-dumpable so a check cannot reach its file descriptors through /proc.

Requests: ``{"id", "op": "ping" | "exec" | "edit" | "export" | "reset", ...}``; every
response echoes ``id`` (a per-request nonce the host checks).
"""

import base64
import contextlib
import ctypes
import hashlib
import io
import json
import os
import re
import resource
import selectors
import shutil
import signal
import stat
import subprocess
import sys
import tarfile
import time

WORK = "/work"
STATE = "/state"
TMP = "/tmp"
PR_SET_DUMPABLE = 4
MAX_DIGEST_FILES = 5000


_STDIN = bytearray()  # bytes read from the host but not yet handled


def _host_gone():
    """Whether the host closed our stdin (it died or gave the sandbox back): then every
    process here is killed and the agent exits, so nothing outlives the run."""
    try:
        chunk = os.read(0, 65536)
    except BlockingIOError:
        return False
    except OSError:
        return True
    if not chunk:
        return True
    _STDIN.extend(chunk)
    return False


def _exit_now():
    _kill_everything_else()
    os._exit(0)


def _set_nondumpable():
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)


def _force_rmtree_contents(root):
    """Empty ``root`` even where a check removed write or exec permission."""
    for entry in os.listdir(root):
        path = os.path.join(root, entry)
        try:
            if os.path.isdir(path) and not os.path.islink(path):
                for dirpath, dirnames, _ in os.walk(path):
                    for d in dirnames:
                        with contextlib.suppress(OSError):
                            os.chmod(os.path.join(dirpath, d), 0o700)
                os.chmod(path, 0o700)
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.unlink(path)
        except OSError:
            pass


def _kill_everything_else():
    """SIGKILL every process in the sandbox but PID 1; repeat until none is left."""
    for _ in range(50):
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            break
        except OSError:
            break
        try:
            while os.waitpid(-1, os.WNOHANG)[0] > 0:
                pass
        except ChildProcessError:
            pass
        time.sleep(0.002)
    try:
        while True:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                break
    except ChildProcessError:
        pass


def _reset_work(state):
    """Empty /work and /tmp, then copy the snapshot ``/state/<state>/work`` into /work."""
    _force_rmtree_contents(WORK)
    _force_rmtree_contents(TMP)
    if state:
        if not isinstance(state, str) or not re.fullmatch(r"[0-9a-f]{8,64}", state):
            raise ValueError("bad state key %r" % (state,))
        source = os.path.join(STATE, state, "work")
        if not os.path.isdir(source):
            raise ValueError("no snapshot for state %s" % state)
        for entry in os.listdir(source):
            src, dst = os.path.join(source, entry), os.path.join(WORK, entry)
            if os.path.isdir(src) and not os.path.islink(src):
                shutil.copytree(src, dst, symlinks=True)
            else:
                shutil.copy2(src, dst, follow_symlinks=False)


def _digest():
    """Content digest of /work: per-path entries and one hash over them."""
    entries = {}
    for dirpath, dirnames, filenames in os.walk(WORK):
        dirnames.sort()
        for name in sorted(dirnames) + sorted(filenames):
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, WORK)
            try:
                st = os.lstat(path)
            except OSError:
                continue
            mode = stat.S_IMODE(st.st_mode)
            if stat.S_ISLNK(st.st_mode):
                entries[rel] = "l:" + os.readlink(path)
            elif stat.S_ISDIR(st.st_mode):
                entries[rel] = f"d:{mode:o}"
            elif stat.S_ISREG(st.st_mode):
                h = hashlib.sha256()
                try:
                    with open(path, "rb") as handle:
                        for chunk in iter(lambda: handle.read(1 << 16), b""):
                            h.update(chunk)
                    entries[rel] = f"f:{mode:o}:{h.hexdigest()[:32]}"
                except OSError:
                    entries[rel] = f"f:{mode:o}:unreadable"
            else:
                entries[rel] = f"o:{mode:o}"
    blob = "\n".join(f"{k}\t{entries[k]}" for k in sorted(entries))
    listed = dict(sorted(entries.items())[:MAX_DIGEST_FILES])
    return hashlib.sha256(blob.encode("utf-8", "surrogateescape")).hexdigest(), listed, len(entries)


def _limits(req):
    memory = int(req.get("memory_bytes") or 0)
    cpu = int(req.get("cpu_seconds") or 0)
    fsize = int(req.get("file_bytes") or 0)
    nproc = int(req.get("max_processes") or 0)

    def apply():
        os.setsid()
        if memory:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        if cpu:
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        if fsize:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        if nproc:
            resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def _run(req):
    timeout = float(req.get("timeout") or 10.0)
    cap = int(req.get("output_limit") or 65536)
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": WORK, "LC_ALL": "C", "TZ": "UTC", "TMPDIR": TMP,
           "PYTHONDONTWRITEBYTECODE": "1", "TERM": "dumb"}
    started = time.monotonic()
    try:
        proc = subprocess.Popen(
            ["/bin/bash", "-c", req["command"]], cwd=WORK, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=_limits(req), close_fds=True,
        )
    except (OSError, ValueError) as exc:
        return {"exit_code": 127, "stdout": "", "stderr": f"cannot start: {exc}", "timed_out": False,
                "truncated": False, "duration": 0.0}
    buffers = {proc.stdout.fileno(): bytearray(), proc.stderr.fileno(): bytearray()}
    selector = selectors.DefaultSelector()
    for pipe in (proc.stdout, proc.stderr):
        os.set_blocking(pipe.fileno(), False)
        selector.register(pipe.fileno(), selectors.EVENT_READ)
    selector.register(0, selectors.EVENT_READ)  # the host's stream: EOF means stop now
    timed_out = truncated = False
    deadline = started + timeout
    exited_at = None
    while len(selector.get_map()) > (1 if 0 in selector.get_map() else 0):
        now = time.monotonic()
        if now >= deadline:
            timed_out = True
            break
        if proc.poll() is not None:
            # Background children may hold the pipes open forever: drain briefly, then stop.
            exited_at = exited_at or now
            if now - exited_at > 0.05:
                break
        for key, _ in selector.select(timeout=min(0.05, max(0.0, deadline - now))):
            if key.fd == 0:
                if _host_gone():
                    with contextlib.suppress(OSError):
                        os.killpg(proc.pid, signal.SIGKILL)
                    _exit_now()
                selector.unregister(0)  # a byte arrived early: keep it for the next request
                continue
            try:
                chunk = os.read(key.fd, 65536)
            except BlockingIOError:
                continue
            except OSError:
                chunk = b""
            if not chunk:
                selector.unregister(key.fd)
                continue
            buf = buffers[key.fd]
            room = cap - len(buf)
            if room > 0:
                buf.extend(chunk[:room])
            if len(chunk) > room:
                truncated = True
        if truncated:
            break
    # Collect the command's own exit status before anything else is reaped.
    if not (timed_out or truncated):
        try:
            proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            timed_out = True
    if proc.poll() is None:
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=2)
    _kill_everything_else()
    selector.close()
    proc.stdout.close()
    proc.stderr.close()
    code = proc.returncode
    if code is None:
        code = -9
    if code < 0:
        code = 128 - code
    stdout, stderr = list(buffers.values())  # insertion order: stdout, then stderr
    return {
        "exit_code": code,
        "stdout": bytes(stdout).decode("utf-8", "replace"),
        "stderr": bytes(stderr).decode("utf-8", "replace"),
        "timed_out": timed_out,
        "truncated": truncated,
        "duration": round(time.monotonic() - started, 4),
    }


def _safe_path(path):
    full = os.path.normpath(os.path.join(WORK, path))
    if full != WORK and not full.startswith(WORK + "/"):
        raise ValueError(f"path {path!r} is outside the work dir")
    return full


def _edit(req):
    """str_replace_editor: view / create / str_replace / insert, on files under /work."""
    command = req.get("command")
    path = req.get("path")
    try:
        if not isinstance(path, str) or not path:
            raise ValueError("path is required")
        full = _safe_path(path)
        if command == "view":
            if os.path.isdir(full):
                found = []
                for dirpath, dirnames, filenames in os.walk(full):
                    dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                    depth = os.path.relpath(dirpath, full).count(os.sep) + (0 if dirpath == full else 1)
                    if depth >= 2:
                        dirnames[:] = []
                    for name in filenames:
                        if not name.startswith("."):
                            found.append(os.path.relpath(os.path.join(dirpath, name), full))
                return {"exit_code": 0, "stdout": "\n".join(sorted(found))}
            with open(full, encoding="utf-8", errors="replace") as handle:
                lines = handle.read().split("\n")
            start, end = 1, len(lines)
            view_range = req.get("view_range")
            if view_range:
                start, end = int(view_range[0]), int(view_range[1])
                if end == -1:
                    end = len(lines)
            shown = ["%6d\t%s" % (n, lines[n - 1]) for n in range(max(1, start), min(end, len(lines)) + 1)]
            return {"exit_code": 0, "stdout": "\n".join(shown)}
        if command == "create":
            if os.path.exists(full):
                raise ValueError(f"file already exists at: {path}")
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w", encoding="utf-8") as handle:
                handle.write(req.get("file_text") or "")
            return {"exit_code": 0, "stdout": f"File created successfully at: {path}"}
        if command == "str_replace":
            with open(full, encoding="utf-8") as handle:
                text = handle.read()
            old = req.get("old_str") or ""
            count = text.count(old) if old else 0
            if count != 1:
                msg = f"old_str not found in {path}" if count == 0 else "old_str occurs %d times in %s" % (count, path)
                return {"exit_code": 1, "stdout": "Error: " + msg}
            with open(full, "w", encoding="utf-8") as handle:
                handle.write(text.replace(old, req.get("new_str") or "", 1))
            return {"exit_code": 0, "stdout": f"The file {path} has been edited."}
        if command == "insert":
            with open(full, encoding="utf-8") as handle:
                lines = handle.read().split("\n")
            at = int(req.get("insert_line", 0))
            if not 0 <= at <= len(lines):
                raise ValueError("insert_line %d is out of range 0..%d" % (at, len(lines)))
            lines[at:at] = (req.get("new_str") or "").split("\n")
            with open(full, "w", encoding="utf-8") as handle:
                handle.write("\n".join(lines))
            return {"exit_code": 0, "stdout": f"The file {path} has been edited."}
        raise ValueError(f"unknown editor command {command!r}")
    except (OSError, ValueError, TypeError, IndexError) as exc:
        return {"exit_code": 1, "stdout": f"Error: {exc}"}


def _export():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for entry in sorted(os.listdir(WORK)):
            tar.add(os.path.join(WORK, entry), arcname=entry)
    return {"tar_b64": base64.b64encode(buf.getvalue()).decode("ascii")}


def handle(req):
    op = req.get("op")
    if op == "ping":
        return {"pid": os.getpid(), "uid": os.getuid()}
    if op == "reset":
        _reset_work(req.get("state"))
        return {}
    if op in ("exec", "edit", "batch"):
        if req.get("fresh", True):
            _reset_work(req.get("state"))
        steps = req["steps"] if op == "batch" else [req]
        results = []
        for step in steps:
            result = _edit(step) if step.get("kind", op) == "edit" else _run({**req, **step})
            results.append(result)
        digest, files, count = _digest()
        return {"results": results, "digest": digest, "files": files, "file_count": count}
    if op == "export":
        return _export()
    if op == "build":
        # a state from scratch: files written into an empty /work, then setup and replay
        _reset_work(None)
        for rel, content in sorted((req.get("files") or {}).items()):
            full = _safe_path(rel)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w", encoding="utf-8") as handle:
                handle.write(content)
        results = [_edit(step) if step.get("kind") == "edit" else _run({**req, **step}) for step in req.get("steps", [])]
        return {"results": results, **_export()}
    raise ValueError(f"unknown op {op!r}")


def main():
    _set_nondumpable()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    os.set_blocking(0, True)
    while True:
        newline = _STDIN.find(b"\n")
        if newline < 0:
            chunk = os.read(0, 1 << 20)
            if not chunk:
                _exit_now()
            _STDIN.extend(chunk)
            continue
        line = bytes(_STDIN[:newline])
        del _STDIN[: newline + 1]
        req = {}
        try:
            req = json.loads(line)
            resp = handle(req)
            resp["ok"] = True
        except Exception as exc:  # the host sees every failure as a response, never a dead agent
            resp = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        resp["id"] = req.get("id") if isinstance(req, dict) else None
        sys.stdout.write(json.dumps(resp) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
