"""The 2015 meeting's seed: loaded through directory's own use cases (see loader.py and README.md)."""
