"""The files that are not pages: feeds, API, notice JSON, calendar, badges, security.txt, CSP."""
