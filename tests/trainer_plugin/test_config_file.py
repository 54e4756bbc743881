"""TrainerConfig from TOML: the file mirrors the dataclasses, values are type-checked at their
line, and command-line overrides win."""

from __future__ import annotations

import pytest

from pivotrl.errors import DataError
from pivotrl.trainer_plugin.config_file import build_trainer_config, key_lines


def test_defaults_then_file_then_flags(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("learning_rate = 3e-4\nsave_steps = 7\ngrpo.beta = 0.05\ngrpo.temperature = 0.7\n")
    config = build_trainer_config(path, {"save_steps": "none", "epsilon_high": 0.28, "seed": None})
    assert config.learning_rate == 3e-4 and config.save_steps is None  # "none" from a flag clears it
    assert config.grpo.beta == 0.05 and config.grpo.temperature == 0.7 and config.grpo.epsilon_high == 0.28
    assert config.seed == 0 and config.num_generations == 4


@pytest.mark.parametrize(("text", "line", "field"), [
    ("max_steps = true\n", 1, "max_steps"),            # a bool is not an int
    ("seed = 1\nmax_steps = 2.5\n", 2, "max_steps"),
    ("\n[grpo]\nbeta = -1.0\n", 3, "grpo.beta"),       # the dataclass's own validation, located
    ("[grpo]\nwarmup = 3\n", 2, "grpo.warmup"),
    ("num_generations = 1\n", 1, "num_generations"),
])
def test_errors_carry_file_line_and_field(tmp_path, text, line, field):
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(DataError) as info:
        build_trainer_config(path)
    assert (info.value.path, info.value.line, info.value.field) == (str(path), line, field)


def test_key_lines_follow_tables_and_dotted_keys():
    lines = key_lines("a = 1\n# c\n[grpo]\nbeta = 2\n[other.sub]\nx.y = 3\n")
    assert lines[(None, "a")] == 1 and lines[("grpo", "beta")] == 4 and lines[("other.sub.x", "y")] == 6
