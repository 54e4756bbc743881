"""Every named tool-call format, from hand-written samples of what each model family emits:
each sample reads as the same calls whether the format is named or detected, text values are
typed through the tool's schema, detection never reads one format as another, and prose
stays a text reply."""

from __future__ import annotations

import pytest

from pivotrl.verifiers import ParserConfig, parse_action
from pivotrl.verifiers.parsers import get_parser, list_parsers

TOOLS = [
    {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {
        "city": {"type": "string"}, "days": {"type": "integer"}, "unit": {"type": "string", "enum": ["c", "f"]}}}}},
    {"type": "function", "function": {"name": "book_flight", "parameters": {"type": "object", "properties": {
        "origin": {"type": "string"}, "zip": {"type": "string"}, "passengers": {"type": "integer"},
        "max_price": {"type": "number"}, "refundable": {"type": "boolean"},
        "note": {"type": ["string", "null"]},
        "traveler": {"type": "object"}, "tags": {"type": "array", "items": {"type": "string"}}}}}},
    {"type": "function", "function": {"name": "ping", "parameters": {"type": "object", "properties": {}}}},
]

WEATHER = ("get_weather", {"city": "Paris", "days": 3})
BOOKING = ("book_flight", {"origin": 'Rio "Galeão"', "zip": "01234", "passengers": 2, "max_price": 99.5,
                           "refundable": False, "note": None, "traveler": {"name": "Ana", "age": 31},
                           "tags": ["vip", "aisle"]})
PING = ("ping", {})

# (format, sample text as the family writes it, expected calls)
SAMPLES: list[tuple[str, str, list[tuple[str, dict]]]] = [
    ("hermes", 'Checking.\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris", "days": 3}}\n'
               '</tool_call>\n<tool_call>\n{"name": "ping", "arguments": {}}\n</tool_call>', [WEATHER, PING]),
    ("qwen3_coder", "<tool_call>\n<function=book_flight>\n<parameter=origin>\nRio \"Galeão\"\n</parameter>\n"
                    "<parameter=zip>\n01234\n</parameter>\n<parameter=passengers>\n2\n</parameter>\n"
                    "<parameter=max_price>\n99.5\n</parameter>\n<parameter=refundable>\nFalse\n</parameter>\n"
                    "<parameter=note>\nNone\n</parameter>\n"
                    "<parameter=traveler>\n{\"name\": \"Ana\", \"age\": 31}\n</parameter>\n"
                    "<parameter=tags>\n[\"vip\", \"aisle\"]\n</parameter>\n</function>\n</tool_call>", [BOOKING]),
    ("glm45", "<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Paris</arg_value>\n"
              "<arg_key>days</arg_key>\n<arg_value>3</arg_value>\n</tool_call>\n<tool_call>ping\n</tool_call>",
     [WEATHER, PING]),
    ("glm45", "<tool_call>get_weather<arg_key>city</arg_key><arg_value>Paris</arg_value><arg_key>days</arg_key>"
              "<arg_value>3</arg_value></tool_call>", [WEATHER]),  # GLM-4.7: no newlines
    ("openai", "<|channel|>analysis<|message|>The user wants Paris.<|end|><|start|>assistant<|channel|>commentary "
               'to=functions.get_weather <|constrain|>json<|message|>{"city": "Paris", "days": 3}<|call|>', [WEATHER]),
    ("openai", ' to=functions.get_weather<|channel|>commentary json<|message|>{"city": "Paris", "days": 3}<|call|>',
     [WEATHER]),
    ("gemma4", '<|channel>thought\nlook it up<channel|><|tool_call>call:book_flight{max_price:99.5,note:None,'
               'origin:<|"|>Rio "Galeão"<|"|>,passengers:2,refundable:false,tags:[<|"|>vip<|"|>,<|"|>aisle<|"|>],'
               'traveler:{age:31,name:<|"|>Ana<|"|>},zip:<|"|>01234<|"|>}<tool_call|>', [BOOKING]),
    ("lfm2", "<|tool_call_start|>[book_flight(origin='Rio \"Galeão\"', zip='01234', passengers=2, max_price=99.5, "
             "refundable=False, note=None, traveler={\"name\": \"Ana\", \"age\": 31}, tags=['vip', 'aisle']), "
             "ping()]<|tool_call_end|>", [BOOKING, PING]),
    ("pythonic", "[get_weather(city='Paris', days=3), ping()]", [WEATHER, PING]),
    ("pythonic", "<|python_start|>[get_weather(city=\"Paris\", days=3)]<|python_end|>", [WEATHER]),
    ("deepseek_v3", "Let me check.<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n"
                    "```json\n{\"city\": \"Paris\", \"days\": 3}\n```<｜tool▁call▁end｜>\n<｜tool▁call▁begin｜>"
                    "function<｜tool▁sep｜>ping\n```json\n{}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>",
     [WEATHER, PING]),
    ("deepseek_v3", "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>get_weather<｜tool▁sep｜>{\"city\": \"Paris\", "
                    "\"days\": 3}<｜tool▁call▁end｜><｜tool▁calls▁end｜>", [WEATHER]),  # V3.1
    ("deepseek_v32", "<｜DSML｜function_calls>\n<｜DSML｜invoke name=\"get_weather\">\n<｜DSML｜parameter "
                     "name=\"city\" string=\"true\">Paris</｜DSML｜parameter>\n<｜DSML｜parameter name=\"days\" "
                     "string=\"false\">3</｜DSML｜parameter>\n</｜DSML｜invoke>\n</｜DSML｜function_calls>", [WEATHER]),
    ("kimi_k2", "<|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0<|tool_call_argument_begin|>"
                "{\"city\": \"Paris\", \"days\": 3}<|tool_call_end|><|tool_call_begin|>functions.ping:1"
                "<|tool_call_argument_begin|>{}<|tool_call_end|><|tool_calls_section_end|>", [WEATHER, PING]),
    ("mistral", '[TOOL_CALLS] [{"name": "get_weather", "arguments": {"city": "Paris", "days": 3}}]', [WEATHER]),
    ("mistral", '[TOOL_CALLS]get_weather[ARGS]{"city": "Paris", "days": 3}[TOOL_CALLS]ping[ARGS]{}',
     [WEATHER, PING]),
    ("mistral", '[TOOL_CALLS]get_weather[CALL_ID]a1b2c3d4e[ARGS]{"city": "Paris", "days": 3}', [WEATHER]),
    ("minimax_m2", '<minimax:tool_call>\n<invoke name="get_weather">\n<parameter name="city">Paris</parameter>\n'
                   '<parameter name="days">3</parameter>\n</invoke>\n</minimax:tool_call>', [WEATHER]),
    ("minimax_m2", '<tool_call>\n<invoke name="get_weather">\n<parameter name="city">Paris</parameter>\n'
                   '<parameter name="days">3</parameter>\n</invoke>\n</tool_call>', [WEATHER]),  # as Kimi may write it
    ("muse_glimmer", ' to=self<|message|>Paris it is.<|eom|><|start|>assistant to=get_weather<|message|>'
                     '<atem:function_calls>\n<atem:invoke name="get_weather">\n<atem:parameter name="city">Paris'
                     '</atem:parameter>\n<atem:parameter name="days">3</atem:parameter>\n</atem:invoke>\n'
                     '</atem:function_calls><|eot|>', [WEATHER]),
    ("granite", '<|tool_call|>[{"name": "get_weather", "arguments": {"city": "Paris", "days": 3}}]', [WEATHER]),
    ("phi4_mini", 'functools[{"name": "get_weather", "arguments": {"city": "Paris", "days": 3}}]', [WEATHER]),
    ("cohere", '<|START_THINKING|>Weather first.<|END_THINKING|><|START_ACTION|>[{"tool_call_id": "0", '
               '"tool_name": "get_weather", "parameters": {"city": "Paris", "days": 3}}]<|END_ACTION|>', [WEATHER]),
    ("json", '{"name": "get_weather", "parameters": {"city": "Paris", "days": 3}}', [WEATHER]),
    ("json", '<|python_tag|>{"name": "get_weather", "parameters": {"city": "Paris", "days": 3}}; '
             '{"name": "ping", "parameters": {}}', [WEATHER, PING]),
]
IDS = [f"{fmt}-{i}" for i, (fmt, _, _) in enumerate(SAMPLES)]


def _calls(action):
    return [(c.name, c.arguments) for c in action.tool_calls]


@pytest.mark.parametrize(("fmt", "text", "expected"), SAMPLES, ids=IDS)
def test_sample_is_read_the_same_when_named_and_when_detected(fmt, text, expected):
    detected = parse_action(text, tools=TOOLS)
    named = parse_action(text, ParserConfig(parser=fmt), tools=TOOLS)
    assert detected.kind == "tool_calls", detected.error
    assert detected.format == fmt
    assert _calls(detected) == expected
    assert _calls(named) == expected and named.format == fmt


@pytest.mark.parametrize(("fmt", "text", "expected"), SAMPLES, ids=IDS)
def test_no_other_named_format_reads_a_sample_as_a_call(fmt, text, expected):
    # a named parser reads only its own syntax: another family's calls are never taken for its own
    own = get_parser(fmt)
    for other in list_parsers():
        if other == "auto" or get_parser(other) is own:
            continue
        action = parse_action(text, ParserConfig(parser=other), tools=TOOLS)
        assert action.kind != "tool_calls", (other, _calls(action))


def test_reasoning_of_each_family_is_kept_apart_from_the_calls():
    cases = {
        "<think>plan</think>\n<tool_call>\n{\"name\": \"ping\", \"arguments\": {}}\n</tool_call>": "plan",
        "plan</think>\n\n<tool_call>\n<function=ping>\n</function>\n</tool_call>": "plan",  # opener in the prompt
        "<|channel>thought\nplan<channel|><|tool_call>call:ping{}<tool_call|>": "plan",
        "<|channel|>analysis<|message|>plan<|end|><|start|>assistant<|channel|>final<|message|>Done.<|return|>": "plan",
        "[THINK]plan[/THINK][TOOL_CALLS]ping[ARGS]{}": "plan",
        "◁think▷plan◁/think▷<|tool_calls_section_begin|><|tool_call_begin|>functions.ping:0"
        "<|tool_call_argument_begin|>{}<|tool_call_end|><|tool_calls_section_end|>": "plan",
        "<seed:think>plan</seed:think>[ping()]": "plan",
        "<|begin_of_thought|>plan<|end_of_thought|><|begin_of_solution|>Done.<|end_of_solution|>": "plan",
    }
    for text, reasoning in cases.items():
        action = parse_action(text, tools=TOOLS)
        assert action.is_valid, (text, action.error)
        assert action.reasoning == reasoning, text
        assert "plan" not in action.text


def test_harmony_final_channel_is_the_text_reply():
    action = parse_action("<|channel|>analysis<|message|>think<|end|><|start|>assistant<|channel|>final<|message|>"
                          "Your flight is booked.<|return|>")
    assert action.kind == "text" and action.text == "Your flight is booked." and action.reasoning == "think"


def test_muse_reply_to_the_user_is_the_text_reply():
    action = parse_action(" to=self<|message|>hmm<|eom|><|start|>assistant to=user<|message|>All set.<|eot|>")
    assert action.kind == "text" and action.text == "All set." and action.reasoning == "hmm"


def test_trailing_end_of_turn_tokens_are_not_part_of_the_action():
    for end in ("<|im_end|>", "<|eot_id|>", "<｜end▁of▁sentence｜>", "<turn|>", "<|tool_response>", "<|END_OF_TURN_TOKEN|>"):
        action = parse_action('{"name": "ping", "parameters": {}}' + end)
        assert action.kind == "tool_calls" and action.tool_calls[0].name == "ping", end
        assert parse_action("All done." + end).text == "All done."


@pytest.mark.parametrize("prose", [
    "[1] See the docs (page 2).",
    "Use f(x=1) to compute it.",
    "{not json at all}",
    "I think [maybe] so.",
    "The list is [a, b] and {c}.",
    "[Note(s): see below]",
    "Sure: `ls -la` lists files.",
    "The weather is {\"mild\"} today",
    "Here <b>bold</b> and a <function> mention.",
])
def test_prose_stays_a_text_reply(prose):
    action = parse_action(prose, tools=TOOLS)
    assert action.kind == "text" and action.text == prose


def test_a_call_written_inside_another_formats_value_stays_a_value():
    inner = '<tool_call>\n{"name": "ping", "arguments": {}}\n</tool_call>'
    xml = f"<tool_call>\n<function=get_weather>\n<parameter=city>\n{inner}\n</parameter>\n</function>\n</tool_call>"
    action = parse_action(xml, tools=TOOLS)
    assert _calls(action) == [("get_weather", {"city": inner})]
    hermes = '<tool_call>{"name": "get_weather", "arguments": {"city": "<function=ping></function>"}}</tool_call>'
    assert _calls(parse_action(hermes, tools=TOOLS)) == [("get_weather", {"city": "<function=ping></function>"})]
    gemma = '<|tool_call>call:get_weather{city:<|"|><tool_call>{"name": "ping"}</tool_call><|"|>}<tool_call|>'
    assert _calls(parse_action(gemma, tools=TOOLS)) == [("get_weather", {"city": '<tool_call>{"name": "ping"}</tool_call>'})]


def test_markers_inside_a_whole_json_or_pythonic_call_or_a_bash_fence_are_values():
    bare = '{"name": "get_weather", "arguments": {"city": "<function=ping> and <tool_call>"}}'
    assert _calls(parse_action(bare, tools=TOOLS)) == [("get_weather", {"city": "<function=ping> and <tool_call>"})]
    pythonic = "[get_weather(city='[TOOL_CALLS]ping[ARGS]{}')]"
    assert _calls(parse_action(pythonic, tools=TOOLS)) == [("get_weather", {"city": "[TOOL_CALLS]ping[ARGS]{}"})]
    fenced = "Writing it:\n```bash\necho '<tool_call>{\"name\": \"x\"}</tool_call>' > t.txt\n```"
    action = parse_action(fenced, tools=TOOLS)
    assert action.format == "bash" and "<tool_call>" in action.tool_calls[0].arguments["command"]


def test_qwen3_value_may_contain_its_own_closing_tag():
    value = "a </parameter> b\n</parameter> c"
    text = f"<tool_call>\n<function=get_weather>\n<parameter=city>\n{value}\n</parameter>\n</function>\n</tool_call>"
    assert _calls(parse_action(text, tools=TOOLS)) == [("get_weather", {"city": value})]


def test_qwen3_without_the_tool_call_wrapper_and_cut_after_the_last_parameter():
    text = "<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n<parameter=days>\n3\n</parameter>\n"
    assert _calls(parse_action(text, tools=TOOLS)) == [WEATHER]


def test_lfm2_strings_written_unescaped_keep_their_quotes():
    text = "<|tool_call_start|>[get_weather(city='it's \"Paris\"', days=3)]<|tool_call_end|>"
    assert _calls(parse_action(text, tools=TOOLS)) == [("get_weather", {"city": "it's \"Paris\"", "days": 3})]


def test_kimi_call_ids_are_kept_and_namespaced_names_resolved():
    text = ("<|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0<|tool_call_argument_begin|>"
            "{\"city\": \"Paris\"}<|tool_call_end|><|tool_calls_section_end|>")
    action = parse_action(text, tools=TOOLS)
    assert action.tool_calls[0].name == "get_weather" and action.tool_calls[0].id == "functions.get_weather:0"


def test_every_registered_name_is_listed_and_unknown_names_fail_with_the_list():
    names = list_parsers()
    for expected in ("auto", "hermes", "qwen3_coder", "qwen3_xml", "llama3_json", "pythonic", "mistral",
                     "deepseek_v3", "deepseek_v31", "deepseek_r1", "glm45", "openai", "harmony", "kimi_k2", "gemma4",
                     "gemma", "lfm2"):
        assert expected in names
    from pivotrl.errors import UnknownNameError

    with pytest.raises(UnknownNameError, match="hermes"):
        ParserConfig(parser="no_such_format")


def test_a_user_format_registers_and_is_detected():
    from pivotrl.verifiers.action import ToolCall
    from pivotrl.verifiers.parsers import register_parser
    from pivotrl.verifiers.parsers.base import calls_action
    from pivotrl.verifiers.parsers.formats import PARSERS

    def parse(text, ctx):
        if not text.startswith("CALL "):
            return None
        return calls_action([ToolCall(text[5:].strip(), {})], "", "my_format")

    register_parser("my_format", parse, locate=lambda t: 0 if t.startswith("CALL ") else -1)
    try:
        assert _calls(parse_action("CALL ping")) == [("ping", {})]
        assert parse_action("CALL ping").format == "my_format"
        assert parse_action("Nothing to call.").kind == "text"
        assert _calls(parse_action("CALL ping", ParserConfig(parser="my_format"))) == [("ping", {})]
    finally:
        PARSERS.unregister("my_format")
