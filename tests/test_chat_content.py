"""Message content reads as the same text in every layer (templates, the wire, exports,
converters, parsers, the judge), and the chat module stays light: these run where transformers
and torch are not installed."""

from __future__ import annotations

import pytest

from pivotrl import chat
from pivotrl.errors import DataError
from pivotrl.trainer_plugin.adapters import chat as adapter_chat

PARTS = [{"type": "text", "text": "a"}, {"type": "input_text", "text": "b"}, {"text": "c"}, "d",
         {"type": "refusal", "refusal": "e"}]
IMAGE = {"type": "image_url", "image_url": {"url": "data:,"}}


@pytest.mark.parametrize(("content", "text"), [
    (None, ""), ("plain", "plain"), (PARTS, "abcde"), ([], ""), ([*PARTS[:1], IMAGE, 7], "a"),
])
def test_content_reads_as_its_text_parts(content, text):
    assert chat.content_text(content) == text


def test_strict_content_names_the_part_that_holds_no_text():
    assert chat.content_text(PARTS, strict=True) == "abcde"
    with pytest.raises(DataError) as info:
        chat.content_text(["a", IMAGE], where="messages[2].content", strict=True)
    assert info.value.field == "messages[2].content[1]" and "image_url" in str(info.value)
    for strict in (False, True):
        with pytest.raises(DataError) as info:
            chat.content_text({"text": "x"}, where="m.content", strict=strict)
        assert info.value.field == "m.content"


def test_every_layer_reads_content_parts_alike():
    """The five places that once read content each their own way now agree on the same parts."""
    from pivotrl.pivot_envs.nemo_gym import items_to_messages
    from pivotrl.verifiers.judge_prompt import render_state
    from pivotrl.verifiers.parsers import parse_action

    message = {"role": "user", "content": PARTS}
    assert chat.template_messages([message])[0]["content"] == "abcde"
    assert chat.wire_messages([message])[0]["content"] == "abcde"
    assert adapter_chat.columnar_messages([message])[0]["content"] == "abcde"
    assert items_to_messages([{"type": "message", **message}])[0]["content"] == "abcde"
    assert render_state([message]) == "[user] abcde"
    assert parse_action({"role": "assistant", "content": [*PARTS, IMAGE]}).text == "abcde"
    output = [{"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "a"}, IMAGE]}]
    assert parse_action(output).text == "a"  # Responses-API output parts read the same way
    with pytest.raises(DataError):  # exports and converters must not drop an image silently
        adapter_chat.columnar_messages([{"role": "user", "content": [IMAGE]}])


def test_the_chat_module_imports_nothing_heavy():
    import subprocess
    import sys

    code = ("import sys, pivotrl.chat; heavy = {'torch', 'transformers', 'openai', 'jinja2'} & set(sys.modules); "
            "assert not heavy, heavy")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_null_text_part_is_no_text():
    assert chat.content_text([{"type": "text", "text": None}, {"type": "refusal", "refusal": None}, "x"]) == "x"
