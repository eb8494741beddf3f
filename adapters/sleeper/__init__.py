"""Sleeper leagues: the public, read-only api.sleeper.app, as a `LeagueDataProvider`."""
