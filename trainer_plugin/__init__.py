"""GRPO loss, log-prob kernels and trainer adapters."""
