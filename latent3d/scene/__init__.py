"""The VTK scene that displays the viewer state: cloud, overlays, hardware picking, off-screen rendering (no Qt)."""
