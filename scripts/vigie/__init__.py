"""Vigie: incident sources kept in git become a versioned, French public status site."""

__version__ = "0.1.0"
