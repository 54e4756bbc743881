"""Generator of the browse corpus (``make_corpus``) and of the trajectories that search and open
its pages through the real engine (``make_trajectories``)."""

__all__: list[str] = []
