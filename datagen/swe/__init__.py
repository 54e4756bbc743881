"""Generator of the swe trajectories: hand-written specs (``scenarios_*``) replayed for real in
scratch copies of the shipped repositories (``replay``, ``editor``), checked by ``selfcheck``."""

__all__: list[str] = []
