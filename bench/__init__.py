"""Benchmark harness for the portal: data generation, load, and the comparison table (see README.md)."""
