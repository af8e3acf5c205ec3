"""The composition root: the ``station`` command and the bench window's wiring.

The only package that imports every other one; none imports it.
"""
