"""Benchmarks: `make bench` runs each module's main() and prints ratios measured side by side."""
