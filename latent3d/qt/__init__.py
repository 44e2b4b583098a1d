"""Qt front end: the main window, the 3-D view, the timeline and the image panel (PySide6 + pyvistaqt)."""
