"""The evented viewer state: what the window, the scene and the off-screen renderer show."""
