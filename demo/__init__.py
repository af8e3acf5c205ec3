"""The demo: master data, history generators, and the demo Tryton's seed and server.

Not product: no product package imports it. The composition root (``app``) hands its
parts in where the demo needs them (its password source, its subcommands).
"""
