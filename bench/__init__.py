"""Benchmarks for Resident Voice, run by `make bench`; results go to var/bench/results.json."""
