"""Vigie's benchmarks: build time, memory and page weight against plain Material."""
