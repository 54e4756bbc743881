"""The experiment's data, all made from the shipped generators: the base model's pretraining
corpus (trajectories of the other scenarios, half of them with their tools renamed so that the
names must be read from the tool list, and skill questions) and, per seed, in-domain
trajectories split into train, dev and held-out by trajectory, with no conversation in two
splits."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from pivotrl.chat import template_messages
from pivotrl.datagen.tool import generate_tool_trajectories
from pivotrl.errors import PivotRLError
from pivotrl.experiment.config import ExperimentConfig
from pivotrl.experiment.skills import skill_tasks
from pivotrl.experiment.toy_lm import TOY_CHAT_TEMPLATE
from pivotrl.pivot_envs.records import Trajectory
from pivotrl.pivot_envs.tasks import Task

BASE_SEED = "base"  # the base corpus is one for every seed: every arm of every seed starts from one base
RENAMED_SHARE = 0.5  # base trajectories whose tools get other names
VERBS = {
    "get": ["fetch", "read", "lookup", "show"], "list": ["browse", "enumerate", "show_all"],
    "find": ["search", "locate", "lookup"], "search": ["find", "query", "browse"], "update": ["modify", "change", "edit"],
    "create": ["add", "make", "open"], "cancel": ["void", "revoke", "drop"], "delete": ["remove", "erase"],
    "send": ["transmit", "issue"], "add": ["attach", "append"], "check": ["verify", "inspect"],
    "set": ["configure", "apply"], "transfer": ["move", "shift"], "freeze": ["lock", "block"],
    "dispute": ["contest", "challenge"], "return": ["refund", "give_back"], "exchange": ["swap", "replace"],
    "request": ["ask", "order"], "reset": ["renew", "clear"], "unlock": ["release", "open"],
}
SUFFIXES = ["now", "v2", "item", "record", "entry", "request", "info", "data"]


@dataclass(frozen=True)
class BaseCorpus:
    trajectories: list[Trajectory]
    skills: list[Task]


@dataclass(frozen=True)
class SeedSplits:
    """In-domain trajectories of one seed; ``dev`` is carved from the training side for tuning."""

    train: list[Trajectory]
    dev: list[Trajectory]
    heldout: list[Trajectory]


def base_corpus(config: ExperimentConfig) -> BaseCorpus:
    """The other scenarios' trajectories, half of them with renamed tools, and skill questions."""
    rng = random.Random(f"pivotrl-base-renames-{BASE_SEED}")
    trajectories = []
    for name in config.base_scenarios:
        for t in generate_tool_trajectories(name, config.base_trajectories_per_scenario, seed=BASE_SEED):
            trajectories.append(rename_tools(t, rng) if rng.random() < RENAMED_SHARE else t)
    return BaseCorpus(trajectories, skill_tasks("train", config.skill_train_per_category))


def _new_name(name: str, rng: random.Random, taken: set[str]) -> str:
    verb, _, rest = name.partition("_")
    for _ in range(20):
        if verb in VERBS and rng.random() < 0.7:
            candidate = f"{rng.choice(VERBS[verb])}_{rest}" if rest else rng.choice(VERBS[verb])
        else:
            candidate = f"{name}_{rng.choice(SUFFIXES)}"
        if candidate not in taken:
            return candidate
    return f"{name}_{len(taken)}"


def rename_tools(trajectory: Trajectory, rng: random.Random) -> Trajectory:
    """The same conversation with every tool renamed consistently (schemas, calls, results).
    A small model otherwise learns the pretraining scenarios' tool names by heart instead of
    reading them from the tool list, and then calls them in scenarios that do not have them."""
    names: dict[str, str] = {}
    for tool in trajectory.tools:
        old = tool["function"]["name"]
        names[old] = _new_name(old, rng, set(names.values()) | {t["function"]["name"] for t in trajectory.tools})
    record = json.loads(json.dumps(trajectory.to_dict()))
    for tool in record["tools"]:
        tool["function"]["name"] = names[tool["function"]["name"]]
    for message in record["messages"]:
        for call in message.get("tool_calls") or []:
            call["function"]["name"] = names.get(call["function"]["name"], call["function"]["name"])
        if message.get("role") == "tool" and message.get("name") in names:
            message["name"] = names[message["name"]]
    record["meta"] = {**record.get("meta", {}), "renamed_tools": True}
    return Trajectory.from_dict(record)


def skill_eval_set(config: ExperimentConfig, dev: bool = False) -> list[Task]:
    """The held-out skill questions (or the dev ones when tuning): never in pretraining."""
    return skill_tasks("dev" if dev else "test", config.skill_eval_per_category)


def _content(trajectory: Trajectory) -> str:
    return json.dumps(trajectory.messages, sort_keys=True)


def seed_splits(config: ExperimentConfig, seed: int) -> SeedSplits:
    """Train and dev come from one stream of the seed (dev after train), held-out from another;
    a held-out conversation identical to a training or dev one is replaced by the next one."""
    train: list[Trajectory] = []
    dev: list[Trajectory] = []
    heldout: list[Trajectory] = []
    for name in config.in_domain:
        n_train, n_dev = config.train_trajectories_per_scenario, config.dev_trajectories_per_scenario
        stream = generate_tool_trajectories(name, n_train + n_dev, seed=f"train-{seed}")
        train += stream[:n_train]
        dev += stream[n_train:]
        seen = {_content(t) for t in stream}
        start = 0
        picked: list[Trajectory] = []
        while len(picked) < config.heldout_trajectories_per_scenario:
            for t in generate_tool_trajectories(name, config.heldout_trajectories_per_scenario, seed=f"heldout-{seed}",
                                                start=start):
                if _content(t) not in seen and len(picked) < config.heldout_trajectories_per_scenario:
                    picked.append(t)
                    seen.add(_content(t))
            start += config.heldout_trajectories_per_scenario
            if start > 100 * config.heldout_trajectories_per_scenario + 100:
                raise PivotRLError(f"{name}: cannot draw enough held-out conversations unlike the training ones")
        heldout += picked
    check_disjoint({"train": train, "dev": dev, "heldout": heldout})
    return SeedSplits(train, dev, heldout)


def check_disjoint(splits: dict[str, Sequence[Trajectory]]) -> None:
    """No trajectory id and no conversation in two splits."""
    owner: dict[str, str] = {}
    for split, members in splits.items():
        for t in members:
            for key in (f"id:{t.id}", f"content:{_content(t)}"):
                if key in owner and owner[key] != split:
                    raise PivotRLError(f"trajectory {t.id} is in both {owner[key]} and {split}")
                owner[key] = split


def render_chat(messages: Sequence[dict], tools: Sequence[dict] = ()) -> str:
    """A conversation as the toy template renders it (what the tokenizer is trained on)."""
    from transformers.utils.chat_template_utils import render_jinja_template

    rendered, _ = render_jinja_template(conversations=[template_messages(messages)], tools=list(tools) or None,
                                        chat_template=TOY_CHAT_TEMPLATE)
    return rendered[0]


def tokenizer_texts(corpus: BaseCorpus) -> Iterator[str]:
    """The base model's pretraining text, rendered: the tokenizer is part of the base and sees
    nothing of the in-domain scenarios."""
    for t in corpus.trajectories:
        yield render_chat(t.messages, t.tools)
    for task in corpus.skills:
        yield render_chat([*task.messages, {"role": "assistant", "content": task.answers[0]}])
