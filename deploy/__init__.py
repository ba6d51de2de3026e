"""Deployment assets for Consorcia: the embedded default runner, container and Kubernetes files."""
