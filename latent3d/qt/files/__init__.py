"""Opening runs and view files, saving views, and the Runs menu."""
