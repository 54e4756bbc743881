"""The generators of pivotrl's shipped data: one subpackage per domain (``terminal``, ``swe``,
``tool``, ``browse``) and ``pairs`` for the labeled agreement sets. They live outside the runtime
packages, which never import them; ``pivotrl.experiment`` draws fresh tool conversations from
``pivotrl.datagen.tool``. Each ``make_*`` module runs as ``python -m pivotrl.datagen.<domain>.<name>``
and by default rewrites the shipped file it makes."""

__all__: list[str] = []
