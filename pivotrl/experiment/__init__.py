"""``pivotrl reproduce``: the PivotRL experiment at toy scale on a CPU, from the shipped data
only. A toy model is pretrained on an out-of-domain skill and on tool use in scenarios other
than the in-domain ones; SFT, PivotRL and its ablations then start from that one base, with
matched gradient steps, and are evaluated on held-out pivots and held-out skill tasks."""

# the public names live in the submodules; importing this package loads none of them
__all__: list[str] = []
