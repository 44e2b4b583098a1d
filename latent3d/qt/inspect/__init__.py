"""Inspecting one image: the image panel, the filmstrip across snapshots, the A->B path, the neighbours."""
