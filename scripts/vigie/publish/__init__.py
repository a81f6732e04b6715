"""Putting a built site in front of readers: releases, hosting rules, the manifest."""
