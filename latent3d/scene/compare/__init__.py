"""The compared run in VTK: a linked scene beside the first, or rings over it."""
