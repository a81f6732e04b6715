"""Read and judge what staff wrote: sources, settings, the published record."""
