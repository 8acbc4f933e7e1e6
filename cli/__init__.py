"""The command line on top of the pipeline (`nianbao run`, `serve`, `read`): the one package
that imports the stages and flows; nothing below imports it."""

from cli.app import app, entry

__all__ = ["app", "entry"]
