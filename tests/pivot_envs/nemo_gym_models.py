"""The row models NeMo Gym validates pivot rows with, transcribed (fields and types, not code) from
NVIDIA-NeMo/Gym at 07d6b0d07b22fcf530b4c211dae2ee23100428e4 for the parts pivot rows use:

- ``nemo_gym/openai_utils.py``: ``NeMoGymResponseCreateParamsNonStreaming`` (``extra="forbid"``;
  ``input`` is text or a list of input items) and the input item models it accepts: easy input
  message, message, output message, function call, function call output, reasoning item. Their
  other members (MCP, hosted-tool and computer calls) carry items pivot rows never hold, so a row
  that needs one fails here: stricter than NeMo Gym, never looser. Content parts, tools and
  ``tool_choice`` are OpenAI ``TypedDict`` params there; the required keys are transcribed.
- ``nemo_gym/base_resources_server.py``: ``BaseRunRequest`` (``responses_create_params``).
- ``nemo_gym/config_types.py``: ``AgentServerRef``; ``nemo_gym/rollout_collection.py`` refuses a
  row without ``agent_ref.name`` unless an agent is named on the command line.
- ``resources_servers/single_step_tool_use_with_argument_comparison/common/verification_utils.py``:
  ``ExpectedAction`` (message / function_call / function_call_batch, by ``type``).
- ``resources_servers/swe_pivot/app.py`` and ``resources_servers/terminus_judge/app.py``: their run
  requests (``extra="allow"``; ``uuid`` text or int, ``expected_answer`` text, ``metadata`` object).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import TypedDict

Status = Literal["in_progress", "completed", "incomplete"]


class InputText(TypedDict):
    type: Literal["input_text"]
    text: str


class OutputText(BaseModel):
    annotations: list[Any]
    text: str
    type: Literal["output_text"] = "output_text"


class Refusal(BaseModel):
    refusal: str
    type: Literal["refusal"] = "refusal"


class EasyInputMessage(BaseModel):
    content: str | list[InputText]
    role: Literal["user", "assistant", "system", "developer"]
    type: Literal["message"] = "message"


class Message(BaseModel):
    content: list[InputText]
    role: Literal["user", "system", "developer"]
    status: Status = "completed"
    type: Literal["message"] = "message"


class OutputMessage(BaseModel):
    id: str
    content: list[OutputText | Refusal]
    role: Literal["assistant"] = "assistant"
    status: Status = "completed"
    type: Literal["message"] = "message"


class FunctionCall(BaseModel):
    arguments: str
    call_id: str
    name: str
    type: Literal["function_call"] = "function_call"
    id: str | None = None
    status: Status | None = None


class FunctionCallOutput(BaseModel):
    call_id: str
    output: str | list[Any]
    type: Literal["function_call_output"] = "function_call_output"
    id: str | None = None
    status: Status | None = None


class SummaryText(BaseModel):
    text: str
    type: Literal["summary_text"]


class ReasoningItem(BaseModel):
    id: str
    summary: list[SummaryText]
    type: Literal["reasoning"] = "reasoning"
    encrypted_content: str | None = None
    content: list[Any] | None = None


InputItem = EasyInputMessage | Message | OutputMessage | FunctionCall | FunctionCallOutput | ReasoningItem


class FunctionTool(TypedDict, total=False):
    name: str
    parameters: dict[str, Any] | None
    strict: bool | None
    type: Literal["function"]
    description: str | None


class ToolChoiceFunction(TypedDict):
    name: str
    type: Literal["function"]


class ResponseCreateParamsNonStreaming(BaseModel):
    model_config = ConfigDict(extra="forbid")

    background: bool | None = None
    include: list[str] | None = None
    input: str | list[InputItem]
    instructions: str | None = None
    max_output_tokens: int | None = None
    max_tool_calls: int | None = None
    metadata: dict[str, str] | None = None
    model: str | None = None
    parallel_tool_calls: bool = True
    previous_response_id: str | None = None
    prompt: dict[str, Any] | None = None
    reasoning: dict[str, Any] | None = None
    service_tier: Literal["auto", "default", "flex", "scale", "priority"] | None = None
    store: bool | None = None
    temperature: float | None = None
    text: dict[str, Any] | None = None
    tool_choice: Literal["none", "auto", "required"] | ToolChoiceFunction = "auto"
    tools: list[FunctionTool] = Field(default_factory=list)
    top_logprobs: int | None = None
    top_p: float | None = None
    truncation: Literal["auto", "disabled"] | None = None
    user: str | None = None
    stream: Literal[False] | None = None


class AgentServerRef(BaseModel):
    type: Literal["responses_api_agents"]
    name: str


class BaseRunRequest(BaseModel):
    responses_create_params: ResponseCreateParamsNonStreaming


class CollectedRow(BaseRunRequest):
    """What rollout collection needs of a row it routes by the row's own agent."""

    model_config = ConfigDict(extra="allow")
    agent_ref: AgentServerRef


class MessageAction(BaseModel):
    type: Literal["message"]
    content: str


class FunctionCallAction(BaseModel):
    type: Literal["function_call"]
    name: str
    arguments: str


class FunctionCallBatchAction(BaseModel):
    type: Literal["function_call_batch"]
    calls: list[FunctionCallAction] = Field(min_length=1)


class SingleStepToolUseRunRequest(BaseRunRequest):
    expected_action: Annotated[MessageAction | FunctionCallAction | FunctionCallBatchAction,
                               Field(discriminator="type")]


class SwePivotRunRequest(BaseRunRequest):
    model_config = ConfigDict(extra="allow")
    uuid: str | int | None = None
    expected_answer: str | None = None
    expected_action: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None


class TerminusJudgeRunRequest(BaseRunRequest):
    model_config = ConfigDict(extra="allow")
    uuid: str | int | None = None
    expected_answer: str | None = None
    metadata: dict[str, Any] | None = None
    threshold: float | None = None


def validate_row(row: dict[str, Any], *, routed: bool = True) -> None:
    """Raise pydantic's ValidationError unless NeMo Gym's server for the row would take it (the
    agent named swe_pivot's: swe_pivot; other ``expected_answer`` rows: terminus_judge; the rest:
    the argument-comparison server) and, when ``routed``, rollout collection would route it by its
    own ``agent_ref``."""
    if routed:
        CollectedRow.model_validate(row)
    agent = (row.get("agent_ref") or {}).get("name") or ""
    if agent.startswith("swe_pivot_tool_simulation"):
        SwePivotRunRequest.model_validate(row)
    elif "expected_answer" in row and "expected_action" not in row:
        TerminusJudgeRunRequest.model_validate(row)
    else:
        SingleStepToolUseRunRequest.model_validate(row)
