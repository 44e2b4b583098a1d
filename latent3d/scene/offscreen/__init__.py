"""Off-screen rendering for the command line and exports: stills, movies, captions, comparisons."""
