"""Thin adapters from pivots and verifiers to other trainers: TRL (``adapters.trl``) and
verl (``adapters.verl``). Import the submodule you need; this package imports neither."""

# the public names live in the submodules; importing this package loads none of them
__all__: list[str] = []
