"""Seccomp filters for sandboxed commands, compiled on the host with libseccomp (pyseccomp).

A deny-list, not an allow-list: the commands of shell tasks use most of Linux, and what they
must never reach is small and well known. Every denied call fails with EPERM (``clone3`` with
ENOSYS, so the C library falls back to ``clone``, whose flags a filter can read). Calls of a
foreign architecture (32-bit or x32 entry points) kill the caller: a filter written for the
native numbering says nothing about them.

Two programs: ``command_filter()`` for commands and editor calls (everything below), and
``agent_filter()`` for the whole bubblewrap sandbox, which leaves the agent what it needs to
give each check a fresh tmpfs and IPC namespace (``mount``, ``umount2``, ``unshare`` of mount
and IPC namespaces only).
"""

from __future__ import annotations

import errno
import functools
import logging
import os
import tempfile

from pivotrl.errors import SandboxError
from pivotrl.optional import require

logger = logging.getLogger(__name__)

CLONE_NEWNS = 0x00020000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
CLONE_NEWTIME = 0x00000080  # unshare only: in clone()'s flags this bit is part of the exit signal
NAMESPACE_FLAGS = (CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID,
                   CLONE_NEWNET)

#: Why each group is denied. Names the running libseccomp does not know are skipped.
DENIED: dict[str, tuple[str, ...]] = {
    # nested namespaces are how unprivileged code regains capabilities (and kernel attack surface)
    "namespaces": ("setns",),
    # the user's keyrings are per host uid, shared with every other sandbox and the host user
    "keyrings": ("keyctl", "add_key", "request_key"),
    # reading or steering other processes (the agent included)
    "process inspection": ("ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd"),
    # large kernel attack surface, no use in shell tasks
    "kernel interfaces": ("perf_event_open", "bpf", "userfaultfd", "io_uring_setup", "io_uring_enter",
                          "io_uring_register", "open_by_handle_at", "name_to_handle_at", "lookup_dcookie",
                          "fanotify_init", "vhangup", "iopl", "ioperm", "uselib", "nfsservctl"),
    # the new mount API, pivot_root and chroot: the agent itself only uses mount/umount2
    "mount api": ("fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr",
                  "pivot_root", "chroot"),
    # the machine, not the sandbox
    "system": ("kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "reboot",
               "swapon", "swapoff", "acct", "syslog", "quotactl", "quotactl_fd", "settimeofday", "clock_settime",
               "clock_adjtime", "adjtimex", "sethostname", "setdomainname"),
}
#: Denied to commands on top of DENIED: the agent's own per-check mounts.
COMMAND_ONLY = ("mount", "umount2", "unshare")


def _pyseccomp():
    try:
        return require("pyseccomp", "bwrap", "seccomp filters", error=SandboxError)
    except OSError as exc:  # pyseccomp loads libseccomp when imported
        raise SandboxError(f"seccomp filters need libseccomp (apt-get install libseccomp2): {exc}") from None


def _compile(for_commands: bool) -> bytes:
    sc = _pyseccomp()
    flt = sc.SyscallFilter(sc.ALLOW)
    flt.set_attr(sc.Attr.ACT_BADARCH, sc.KILL_PROCESS)
    names = [name for group in DENIED.values() for name in group]
    if for_commands:
        names += COMMAND_ONLY
    for name in names:
        try:
            flt.add_rule(sc.ERRNO(errno.EPERM), name)
        except (OSError, ValueError, RuntimeError):
            logger.debug("libseccomp does not know the system call %s; not filtered", name)
    flt.add_rule(sc.ERRNO(errno.ENOSYS), "clone3")
    for flag in NAMESPACE_FLAGS:
        flt.add_rule(sc.ERRNO(errno.EPERM), "clone", sc.Arg(0, sc.MASKED_EQ, flag, flag))
    if not for_commands:
        # the agent unshares mount and IPC namespaces; any other kind stays denied
        for flag in (*NAMESPACE_FLAGS, CLONE_NEWTIME):
            if flag not in (CLONE_NEWNS, CLONE_NEWIPC):
                flt.add_rule(sc.ERRNO(errno.EPERM), "unshare", sc.Arg(0, sc.MASKED_EQ, flag, flag))
    with tempfile.TemporaryFile() as handle:
        flt.export_bpf(handle)
        handle.seek(0)
        program = handle.read()
    if not program or len(program) % 8:
        raise SandboxError(f"libseccomp exported a malformed filter ({len(program)} bytes)")
    return program


@functools.cache
def command_filter() -> bytes:
    """The BPF program (raw ``sock_filter`` array) the agent installs on every command."""
    return _compile(for_commands=True)


@functools.cache
def agent_filter() -> bytes:
    """The BPF program bubblewrap installs on the whole sandbox (``--seccomp FD``)."""
    return _compile(for_commands=False)


def seccomp_available() -> tuple[bool, str]:
    try:
        command_filter()
    except SandboxError as exc:
        return False, str(exc)
    return True, "libseccomp deny-list (namespaces, keyrings, ptrace, perf, bpf, io_uring, mounts, modules)"


def filter_fd(program: bytes) -> int:
    """An inheritable file descriptor holding ``program``, for ``bwrap --seccomp FD``."""
    fd = os.memfd_create("pivotrl-seccomp", 0)
    os.write(fd, program)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd
