"""Demo data: `podium seed`, the demo script and the benchmarks use it."""

from podium.seed.service import SeedResult, seed_account
from podium.seed.volumes import Volumes

__all__ = ["SeedResult", "Volumes", "seed_account"]
