"""Thin adapters from pivots and verifiers to other trainers: TRL (``adapters.trl``) and
verl (``adapters.verl``). Import the submodule you need; this package imports neither."""
