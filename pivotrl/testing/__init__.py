"""Fixtures for tests and for trying pivotrl without a GPU: real components at toy size (a tiny
local model served over an OpenAI-compatible endpoint). Not used by the library itself."""

# the public names live in the submodules; importing this package loads none of them
__all__: list[str] = []
