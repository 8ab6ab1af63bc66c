# Generated from podium/client/_async/__init__.py: do not edit.
"""The client's implementation: transport, resources, exports, client."""
