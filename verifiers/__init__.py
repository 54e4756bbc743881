"""Functional verifiers: decide whether an action is locally equivalent to a pivot's
reference action, and say why. Registry, protocol, parsers and built-ins."""

from pivotrl.verifiers.action import Action, ToolCall
from pivotrl.verifiers.base import BaseVerifier, PivotLike, Verifier
from pivotrl.verifiers.combinators import all_of, any_of, weighted
from pivotrl.verifiers.parsers import ParserConfig, parse_action
from pivotrl.verifiers.registry import FunctionVerifier, get_verifier, list_verifiers, register_verifier
from pivotrl.verifiers.search_backends import list_search_backends, register_search_backend
from pivotrl.verifiers.spec import VerifierPool, VerifierSpec
from pivotrl.verifiers.verdict import Verdict

__all__ = [
    "Action",
    "BaseVerifier",
    "FunctionVerifier",
    "ParserConfig",
    "PivotLike",
    "ToolCall",
    "Verdict",
    "Verifier",
    "VerifierPool",
    "VerifierSpec",
    "all_of",
    "any_of",
    "get_verifier",
    "list_search_backends",
    "list_verifiers",
    "parse_action",
    "register_search_backend",
    "register_verifier",
    "weighted",
]
