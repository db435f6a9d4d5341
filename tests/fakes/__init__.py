"""Fakes of outside services for end-to-end tests and benchmarks (no network beyond 127.0.0.1)."""
