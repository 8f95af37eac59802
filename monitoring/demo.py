"""Demo seeder (placeholder until the demo values are added): the demonstration catalogue."""
from .catalogue import seed_demo_catalogue


def seed(**_) -> dict:
    version = seed_demo_catalogue()
    return {"indicators": version.indicators.count()}
