"""Every chat template TRL ships, end to end: the reference turn as the template writes it must
score 1 through ``env.step`` on a tool pivot, a copy with one wrong value 0, and the pivot's
prompt must render (no exception, no double-encoded arguments, one BOS at most).

For each ``trl/chat_templates/*.jinja`` a tiny tokenizer is built locally (the test model's BPE
vocabulary; a BOS token the tokenizer also adds by itself, the worst case for a doubled BOS),
the template decides by its own behaviour whether it supports tools (TRL's
``supports_tool_calling``) and parallel calls, and three references are rendered: one call
with scalars (quotes, unicode, newlines, booleans, numbers), nested objects and arrays, and
parallel calls. The text a model of that family emits for the turn is the conversation
rendered with the turn minus the prompt (``rendered_turn``).

    python -m pivotrl.benchmarks.chat_templates [--json table.json]

Prints the table and, last, the JSON result line (``value`` = templates whose every case
passes, ``baseline`` = tool-capable templates). For a before/after table on an older checkout,
run that checkout's own copy of this script.
"""

from __future__ import annotations

import argparse
import copy
import json
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pivotrl.benchmarks.common import Result, report

BOS = "<|pivotrl_bos|>"

TOOLS: list[dict[str, Any]] = [
    {"type": "function", "function": {
        "name": "get_weather", "description": "Current weather and a forecast for a city.",
        "parameters": {"type": "object", "properties": {
            "city": {"type": "string"},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            "days": {"type": "integer"}}, "required": ["city"]}}},
    {"type": "function", "function": {
        "name": "book_flight", "description": "Book a flight.",
        "parameters": {"type": "object", "properties": {
            "origin": {"type": "string"}, "destination": {"type": "string"},
            "passengers": {"type": "integer"}, "max_price": {"type": "number"},
            "refundable": {"type": "boolean"}, "note": {"type": "string"},
            "traveler": {"type": "object", "properties": {
                "name": {"type": "string"}, "age": {"type": "integer"},
                "tags": {"type": "array", "items": {"type": "string"}}}},
            "legs": {"type": "array", "items": {"type": "object", "properties": {
                "from": {"type": "string"}, "to": {"type": "string"}}}}},
            "required": ["origin", "destination"]}}},
    {"type": "function", "function": {
        "name": "send_message", "description": "Send a text message.",
        "parameters": {"type": "object", "properties": {"to": {"type": "string"}, "body": {"type": "string"}},
                       "required": ["to", "body"]}}},
]


def _call(call_id: str, name: str, **arguments: Any) -> dict[str, Any]:
    # stored as pivots store them: OpenAI's JSON-string arguments
    return {"id": call_id, "type": "function",
            "function": {"name": name, "arguments": json.dumps(arguments, ensure_ascii=False)}}


EARLIER_CALL_CITY = "Tromsø"
PREFIX: list[dict[str, Any]] = [
    {"role": "system", "content": "You are a travel assistant."},
    {"role": "user", "content": "How is the weather up north?"},
    {"role": "assistant", "content": "", "tool_calls": [
        _call("call_w", "get_weather", city=EARLIER_CALL_CITY, unit="celsius", days=2)]},
    {"role": "tool", "tool_call_id": "call_w", "name": "get_weather", "content": '{"temperature": -3}'},
    {"role": "assistant", "content": "It is -3 °C there."},
    {"role": "user", "content": "Then book me something warm, and tell Ana."},
]

CASES: dict[str, list[dict[str, Any]]] = {
    "one call": [_call("call_1", "book_flight", origin="São Paulo", destination='Rio "Galeão"', passengers=2,
                       max_price=1234.5, refundable=False, note="line one\nline two — it's fine")],
    "nested": [_call("call_1", "book_flight", origin="Oslo", destination="Rome", refundable=True,
                     traveler={"name": "Ana", "age": 31, "tags": ["vip", "aisle"]},
                     legs=[{"from": "OSL", "to": "FRA"}, {"from": "FRA", "to": "FCO"}])],
    "parallel": [_call("call_1", "get_weather", city="Rome", unit="celsius", days=3),
                 _call("call_2", "send_message", to="Ana", body='Booked: "Rome" ✈, back on 12/05')],
}
# one value per case changed to a value no string policy could call equal
WRONG: dict[str, tuple[int, tuple[str, ...], Any]] = {
    "one call": (0, ("passengers",), 3),
    "nested": (0, ("traveler", "age"), 32),
    "parallel": (1, ("body",), "Cancelled: Paris"),
}


def template_dir() -> Path:
    import trl

    return Path(trl.__file__).parent / "chat_templates"


def template_files() -> list[Path]:
    return sorted(template_dir().glob("*.jinja"))


_BASE: Any = None


def template_tokenizer(template: str) -> Any:
    """A tiny tokenizer (the test model's vocabulary, no download) with ``template`` as its chat
    template and a BOS token that the tokenizer itself also prepends."""
    global _BASE
    from tokenizers import processors
    from transformers import AutoTokenizer

    from pivotrl.testing.judge_server import build_tiny_model

    if _BASE is None:
        base = AutoTokenizer.from_pretrained(build_tiny_model())
        base.add_special_tokens({"bos_token": BOS})
        bos_id = base.convert_tokens_to_ids(BOS)
        base._tokenizer.post_processor = processors.TemplateProcessing(
            single=f"{BOS} $A", pair=f"{BOS} $A {BOS} $B", special_tokens=[(BOS, bos_id)])
        _BASE = base
    tokenizer = copy.deepcopy(_BASE)
    tokenizer.chat_template = template
    return tokenizer


def tool_support(tokenizer: Any) -> str | None:
    """None when the template renders a whole tool exchange (TRL's own check), else why not."""
    from trl.chat_template_utils import supports_tool_calling

    if supports_tool_calling(tokenizer):
        return None
    return "the template drops tool calls or tool results (trl.chat_template_utils.supports_tool_calling)"


def parallel_support(tokenizer: Any) -> str | None:
    """None when the template renders two calls of one turn, else why not."""
    calls = [_call("call_a", "pivotrl_probe_first"), _call("call_b", "pivotrl_probe_second")]
    errors = []
    for arguments in ({}, "{}"):  # an object, else a JSON string (templates that concatenate it)
        for call in calls:
            call["function"]["arguments"] = arguments
        messages = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "", "tool_calls": calls}]
        try:
            text = tokenizer.apply_chat_template(messages, tokenize=False)
            break
        except Exception as exc:
            errors.append(str(exc)[:80])
    else:
        return f"the template refuses parallel calls ({errors[-1]})"
    if "pivotrl_probe_second" not in text:
        return "the template renders only the first call of a turn"
    return None


def wrong_copy(case: str) -> list[dict[str, Any]]:
    calls = copy.deepcopy(CASES[case])
    index, path, value = WRONG[case]
    arguments = json.loads(calls[index]["function"]["arguments"])
    target = arguments
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    calls[index]["function"]["arguments"] = json.dumps(arguments, ensure_ascii=False)
    return calls


def _render_prompt(tokenizer: Any, pivot: Any) -> str:
    from pivotrl.chat import render_prompt

    return render_prompt(tokenizer, pivot.messages, pivot.tools)


def _prompt_ids(tokenizer: Any, prompt: str) -> list[int]:
    return list(tokenizer(prompt, add_special_tokens=False)["input_ids"])


def _trl_prompt_ids(tokenizer: Any, pivot: Any) -> list[int]:
    """The ids TRL trains on for ``pivots_to_trl_dataset(..., tokenizer=)`` (it tokenizes text
    prompts with special tokens added)."""
    from pivotrl.trainer_plugin.adapters.trl import pivots_to_trl_dataset

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text = pivots_to_trl_dataset([pivot], tokenizer=tokenizer)["prompt"][0]
    return list(tokenizer(text)["input_ids"])


def _turn_text(tokenizer: Any, messages: list[dict[str, Any]], turn: dict[str, Any]) -> str:
    from pivotrl.chat import rendered_turn

    return rendered_turn(tokenizer, messages, turn, TOOLS)


def _detected_format(text: str) -> str:
    from pivotrl.verifiers.parsers import parse_action

    action = parse_action(text, tools=TOOLS)
    return action.format if action.kind == "tool_calls" else f"{action.kind}"


def _score(pivot: Any, action: str) -> tuple[float, str]:
    import gymnasium as gym

    import pivotrl  # noqa: F401 - registers the env ids

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        env = gym.make("pivot/tool-v0", pivots=[pivot])
        env.reset(seed=0)
        _, reward, _, _, info = env.step(action)
    return float(reward), info["verdict"].reason


def pivot_for(template: str, case: str, calls: list[dict[str, Any]]) -> Any:
    from pivotrl.pivot_envs.records import Pivot

    return Pivot.from_dict({"id": f"{template}:{case}", "domain": "tool", "messages": copy.deepcopy(PREFIX),
                            "tools": copy.deepcopy(TOOLS),
                            "reference": {"role": "assistant", "content": "", "tool_calls": copy.deepcopy(calls)},
                            "env": {}})


@dataclass
class CaseResult:
    case: str
    format: str = ""
    reference_score: float | None = None
    wrong_score: float | None = None
    skipped: str | None = None
    reason: str = ""


@dataclass
class TemplateRow:
    template: str
    tools: bool
    skipped: str | None = None
    prompt_renders: bool | None = None
    prompt_problem: str = ""
    cases: list[CaseResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.tools and self.prompt_renders and self.cases and all(
            c.skipped or (c.reference_score == 1.0 and c.wrong_score == 0.0) for c in self.cases))


def check_prompt(tokenizer: Any, pivot: Any) -> str:
    """'' when the pivot's prompt renders cleanly, else what is wrong with it."""
    try:
        prompt = _render_prompt(tokenizer, pivot)
    except Exception as exc:
        return f"rendering raised {type(exc).__name__}: {str(exc)[:100]}"
    problems = []
    if '\\"city\\"' in prompt:
        problems.append("earlier call's arguments encoded twice")
    if '\\"temperature\\"' in prompt:
        problems.append("the JSON tool result encoded as a string")
    if EARLIER_CALL_CITY not in prompt and json.dumps(EARLIER_CALL_CITY)[1:-1] not in prompt:
        problems.append("earlier call's arguments missing")
    bos = tokenizer.bos_token_id
    if _prompt_ids(tokenizer, prompt).count(bos) > 1:
        problems.append("BOS twice in the prompt ids")
    try:
        if _trl_prompt_ids(tokenizer, pivot).count(bos) > 1:
            problems.append("BOS twice in TRL's ids")
    except Exception as exc:
        problems.append(f"TRL dataset failed: {type(exc).__name__}: {str(exc)[:80]}")
    return "; ".join(problems)


def check_case(tokenizer: Any, template: str, case: str) -> CaseResult:
    result = CaseResult(case)
    calls = CASES[case]
    reference = {"role": "assistant", "content": "", "tool_calls": calls}
    wrong = {"role": "assistant", "content": "", "tool_calls": wrong_copy(case)}
    pivot = pivot_for(template, case, calls)
    try:
        text = _turn_text(tokenizer, PREFIX, reference)
        wrong_text = _turn_text(tokenizer, PREFIX, wrong)
    except Exception as exc:
        result.skipped = f"the template cannot render this turn ({type(exc).__name__}: {str(exc)[:80]})"
        return result
    result.format = _detected_format(text)
    result.reference_score, result.reason = _score(pivot, text)
    result.wrong_score, wrong_reason = _score(pivot, wrong_text)
    if result.reference_score == 1.0 and result.wrong_score != 0.0:
        result.reason = f"wrong value accepted: {wrong_reason}"
    return result


def check_template(path: Path) -> TemplateRow:
    tokenizer = template_tokenizer(path.read_text(encoding="utf-8"))
    why_not = tool_support(tokenizer)
    row = TemplateRow(path.name, tools=why_not is None, skipped=why_not)
    if why_not:
        return row
    row.prompt_problem = check_prompt(tokenizer, pivot_for(path.name, "prompt", CASES["one call"]))
    row.prompt_renders = not row.prompt_problem
    no_parallel = parallel_support(tokenizer)
    for case in CASES:
        if case == "parallel" and no_parallel:
            row.cases.append(CaseResult(case, skipped=no_parallel))
        else:
            row.cases.append(check_case(tokenizer, path.name, case))
    return row


def _cell(row: TemplateRow, what: str) -> str:
    values = []
    for c in row.cases:
        if c.skipped:
            values.append("-")
        elif what == "format":
            values.append(c.format)
        else:
            score = c.reference_score if what == "reference" else c.wrong_score
            values.append(f"{score:g}")
    if what == "format":
        return "/".join(sorted(set(v for v in values if v != "-"))) or "-"
    return " ".join(values)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, default=None, help="also write every row, case by case, here")
    parser.add_argument("--only", action="append", default=None, help="template file names to check")
    args = parser.parse_args(argv)
    rows = [check_template(p) for p in template_files() if not args.only or p.name in args.only]
    width = max(len(r.template) for r in rows)
    print(f"{'template':<{width}}  {'format':<14}  {'reference':<11}  {'wrong':<11}  {'prompt':<6}  note")
    print(f"{'':<{width}}  {'':<14}  {'(one nested parallel)':<24}")
    for r in rows:
        if not r.tools:
            print(f"{r.template:<{width}}  {'-':<14}  {'-':<11}  {'-':<11}  {'-':<6}  skipped: {r.skipped}")
            continue
        notes = [f"{c.case}: {c.skipped}" for c in r.cases if c.skipped]
        notes += [f"{c.case}: {c.reason}" for c in r.cases if not c.skipped and not (
            c.reference_score == 1.0 and c.wrong_score == 0.0)]
        if r.prompt_problem:
            notes.append(f"prompt: {r.prompt_problem}")
        print(f"{r.template:<{width}}  {_cell(r, 'format'):<14}  {_cell(r, 'reference'):<11}  "
              f"{_cell(r, 'wrong'):<11}  {'yes' if r.prompt_renders else 'NO':<6}  {'; '.join(notes)[:160]}")
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=1, ensure_ascii=False))
    capable = [r for r in rows if r.tools]
    cases = [c for r in capable for c in r.cases if not c.skipped]
    results = [
        Result("templates passing every case", float(sum(r.passed for r in capable)), "templates",
               float(len(capable)), sum(r.passed for r in capable) / max(len(capable), 1)),
        Result("references scoring 1", float(sum(c.reference_score == 1.0 for c in cases)), "cases",
               float(len(cases)), sum(c.reference_score == 1.0 for c in cases) / max(len(cases), 1)),
        Result("wrong values scoring 0", float(sum(c.wrong_score == 0.0 for c in cases)), "cases",
               float(len(cases)), sum(c.wrong_score == 0.0 for c in cases) / max(len(cases), 1)),
        Result("prompts rendering cleanly", float(sum(bool(r.prompt_renders) for r in capable)), "templates",
               float(len(capable)), sum(bool(r.prompt_renders) for r in capable) / max(len(capable), 1)),
    ]
    skipped = ", ".join(r.template for r in rows if not r.tools)
    report("chat_templates", results, notes=f"{len(rows) - len(capable)} templates without tool support: {skipped}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
