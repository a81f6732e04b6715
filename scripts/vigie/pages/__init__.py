"""What each page shows: view models and their presenters, for the templates in `overrides/`."""
