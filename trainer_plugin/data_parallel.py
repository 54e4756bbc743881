"""Data-parallel training on one machine's CPU cores: ``world`` processes, each with its own
batches and one torch thread, average their gradients (gloo all-reduce) before every optimizer
step, so their weights stay identical. On a busy machine several one-thread processes get more
of it than one process with several threads, whose threads wait on each other.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any


def average_gradients(parameters: Iterable[Any]) -> None:
    """Replace every gradient by its mean over the process group (one flat all-reduce)."""
    import torch
    import torch.distributed as dist

    grads = [p.grad for p in parameters if p.grad is not None]
    if not grads or not dist.is_initialized() or dist.get_world_size() == 1:
        return
    flat = torch.cat([g.reshape(-1) for g in grads])
    dist.all_reduce(flat, op=dist.ReduceOp.SUM)
    flat /= dist.get_world_size()
    offset = 0
    for g in grads:
        g.copy_(flat[offset:offset + g.numel()].view_as(g))
        offset += g.numel()


def _entry(rank: int, world: int, rendezvous: str, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    import torch
    import torch.distributed as dist

    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"file://{rendezvous}", rank=rank, world_size=world)
    try:
        fn(rank, world, *args)
        dist.barrier()
    finally:
        dist.destroy_process_group()


def run_data_parallel(fn: Callable[..., Any], world: int, *args: Any) -> None:
    """Run ``fn(rank, world, *args)`` in ``world`` processes joined in a gloo group (``fn`` and
    ``args`` must be picklable); returns when all are done, raises if one fails."""
    import torch.multiprocessing as mp

    with tempfile.TemporaryDirectory(prefix="pivotrl-dp-") as tmp:
        rendezvous = str(Path(tmp) / "rendezvous")
        os.environ.setdefault("GLOO_SOCKET_IFNAME", "lo")
        mp.spawn(_entry, args=(world, rendezvous, fn, args), nprocs=world, join=True)
