"""Data-parallel training keeps the processes' weights identical: gradients are averaged over
the group before each step, so two processes with different batches take the same step one
process would take on the mean gradient."""

from __future__ import annotations

import json

import pytest

torch = pytest.importorskip("torch")

from pivotrl.trainer_plugin.data_parallel import average_gradients, run_data_parallel  # noqa: E402


def _worker(rank, world, out):
    torch.manual_seed(0)
    layer = torch.nn.Linear(3, 2)
    optimizer = torch.optim.SGD(layer.parameters(), lr=0.1)
    x = torch.full((1, 3), float(rank + 1))  # each process its own batch
    layer(x).sum().backward()
    average_gradients(layer.parameters())
    optimizer.step()
    (out / f"rank{rank}.json").write_text(json.dumps([p.detach().tolist() for p in layer.parameters()]))


def test_two_processes_take_the_step_of_the_mean_gradient(tmp_path):
    run_data_parallel(_worker, 2, tmp_path)
    a = json.loads((tmp_path / "rank0.json").read_text())
    b = json.loads((tmp_path / "rank1.json").read_text())
    assert a == b
    torch.manual_seed(0)
    layer = torch.nn.Linear(3, 2)
    expected_weight = layer.weight.detach() - 0.1 * torch.full((2, 3), 1.5)  # mean of inputs 1 and 2
    expected_bias = layer.bias.detach() - 0.1 * torch.ones(2)
    torch.testing.assert_close(torch.tensor(a[0]), expected_weight)
    torch.testing.assert_close(torch.tensor(a[1]), expected_bias)


def test_a_single_process_is_left_alone():
    layer = torch.nn.Linear(2, 1)
    layer(torch.ones(1, 2)).sum().backward()
    before = layer.weight.grad.clone()
    average_gradients(layer.parameters())  # no process group: nothing to average with
    assert torch.equal(layer.weight.grad, before)
