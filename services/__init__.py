"""Consorcia's services. They never import each other: they share only the ``shared`` package."""
