"""The scene's core, shared by every feature: the cloud, picking, markers, overlays, the camera link."""
