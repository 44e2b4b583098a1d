"""Launch latent3d from a clone: ``python run.py [view|train|info|render] ...``."""
from latent3d.cli import main

raise SystemExit(main())
