"""Generator of the terminal trajectories: task families in ``tasks``, every command executed for
real (``make_trajectories``), replayed twice by ``selfcheck``."""

__all__: list[str] = []
