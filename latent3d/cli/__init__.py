"""The command line: argparse, every command handler (train, info, render, view) and the checks made before them."""

from latent3d.cli.parser import build_parser, main

__all__ = ["build_parser", "main"]
