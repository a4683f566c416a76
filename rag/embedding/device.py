"""Where the embedding model runs: the `device` setting resolved to `cpu`, `cuda` or `cuda:N`.

Start-up must not import torch (2 s) on a machine that cannot have a GPU, so the driver's
traces are looked for first.
"""

from __future__ import annotations

import shutil
from pathlib import Path


def resolve_device(device: str) -> str:
    """`auto` means the GPU when torch sees one, else the CPU. Without an NVIDIA driver's
    device files there is none to see, and importing torch to find out (2 s) is skipped."""
    if device != "auto":
        return device
    if not Path("/dev/nvidiactl").exists() and not shutil.which("nvidia-smi"):
        return "cpu"
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"
