"""Seeded generator of the synthetic layers of the bundled Jinan city (private).

``jnrisk._synth.generate.generate_city(seed, real_dir=...)`` builds every synthetic layer in
memory; ``write_city`` writes them plus ``MANIFEST.json``. The CLI is
``python scripts/generate_jinan.py``. This package file stays import-light on purpose: the loader
imports ``jnrisk._synth.hashing`` without pulling in the generator.
"""
