"""The client's implementation: transport, resources, exports, client."""
