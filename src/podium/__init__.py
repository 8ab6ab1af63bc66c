"""Podium: a self-hostable QA platform that speaks the MaestroQA REST API."""

__version__ = "0.1.0"
