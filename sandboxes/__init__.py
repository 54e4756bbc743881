"""Sandboxes for executing untrusted actions (Docker, bubblewrap); see issue 3."""
