"""Launch latent3d from a clone: ``python run.py [view|train|info|render] ...``."""
from latent3d.cli import run

if __name__ == "__main__":  # guarded: the window's training process (spawn) imports this module again
    run()
