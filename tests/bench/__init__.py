"""Tests of the benchmark scripts and their data generators."""
